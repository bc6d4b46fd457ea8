using Ann2Snn.Analysis;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Graph;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Analysis;

public class ErrorDecompositionTests
{
    public static TheoryData<string> Graphs => ["cnn", "residual"];

    [Theory]
    [MemberData(nameof(Graphs))]
    public void VarianceFallsAsOneOverTAndAnalogBiasIsSmall(string name)
    {
        ModelGraph graph = name == "cnn" ? TestGraphs.SmallCnn() : TestGraphs.ResidualMlp();
        const int count = 4;
        float[] x = TestGraphs.Inputs(new Random(21), count, graph.Input.OutputShape.Size);
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        var conversion = new ConversionOptions { Normalization = NormalizationKind.Max };
        CalibrationStatistics stats = Calibration.Collect(prepared, [(x, count)], count);
        ConversionResult converted = Converter.Convert(prepared, stats, conversion, applied);
        float[] ann = new AnnExecutor(converted.FoldedGraph).Forward(x, count);
        double scale = ann.Max(MathF.Abs);

        var options = new ErrorDecompositionOptions { Timesteps = [32, 128, 512], Seeds = 6 };
        ErrorDecompositionReport r = ErrorDecomposition.Run(converted.Network, ann, x, count, options, (converted.FoldedGraph, conversion));
        string table = string.Join("; ",
            r.Points.Select(p => $"T={p.Timesteps} var={p.Variance:g3} bias²={p.PoissonBiasSquared:g3} analog={p.AnalogBiasSquared:g3}"));
        Assert.InRange(r.VarianceSlope, -1.3, -0.7);
        for (int i = 1; i < r.Points.Count; i++) Assert.True(r.Points[i].Variance < r.Points[i - 1].Variance, table);
        Assert.True(r.Points[^1].AnalogBiasSquared < 1e-3 * scale * scale, $"{table}; scale {scale:g3}");
        // Max-normalized on the images evaluated: re-converting the same way changes nothing, so no bias is put down to saturation.
        Assert.NotNull(r.Saturation);
        Assert.Equal(512, r.Saturation.Timesteps);
        Assert.Equal(r.Saturation.BiasSquared, r.Saturation.MaxNormBiasSquared, 9);
        Assert.Equal(0, r.Saturation.Fraction);
    }

    [Fact]
    public void PercentileNormalizationSaturatesAndTheShareIsMeasured()
    {
        ModelGraph graph = TestGraphs.ResidualMlp();
        const int count = 4;
        float[] x = TestGraphs.Inputs(new Random(4), count, graph.Input.OutputShape.Size);
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        // A low percentile clips the largest activations: the analog bias at large T is then mostly saturation.
        var conversion = new ConversionOptions { Normalization = NormalizationKind.Percentile, Percentile = 50 };
        ConversionResult converted = Converter.Convert(prepared, Calibration.Collect(prepared, [(x, count)], count), conversion, applied);
        float[] ann = new AnnExecutor(converted.FoldedGraph).Forward(x, count);
        var options = new ErrorDecompositionOptions { Timesteps = [256], Seeds = 2 };
        ErrorDecompositionReport r = ErrorDecomposition.Run(converted.Network, ann, x, count, options, (converted.FoldedGraph, conversion));
        Assert.NotNull(r.Saturation);
        Assert.True(r.Saturation.MaxNormBiasSquared < r.Saturation.BiasSquared, $"{r.Saturation}");
        Assert.InRange(r.Saturation.Fraction, 0.5, 1);
    }

    [Fact]
    public void OneSeedIsRejected()
    {
        var e = Assert.Throws<InvalidOptionException>(() => new ErrorDecompositionOptions { Seeds = 1 }.Validate());
        Assert.Contains("seeds", e.Message);
    }
}
