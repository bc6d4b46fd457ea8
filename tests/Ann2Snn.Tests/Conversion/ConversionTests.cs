using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

public class ConversionTests
{
    private static (SpikingNetwork Net, ModelGraph Prepared) Convert(ModelGraph graph, ConversionOptions options, int calibration = 64,
        int seed = 11, float[]? calib = null)
    {
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        calib ??= TestGraphs.Inputs(new Random(seed), calibration, graph.Input.OutputShape.Size);
        CalibrationStatistics stats = Calibration.Collect(prepared, [(calib, calibration)], calibration);
        return (Converter.Convert(prepared, stats, options, applied).Network, prepared);
    }

    private static SimulationResult Simulate(SpikingNetwork net, float[] x, int count, SimulationOptions options)
    {
        var labels = new int[count];
        return new DenseSimulator().Run(net, [new DataBatch(x, labels, count)], options with { KeepOutputs = true });
    }

    public static TheoryData<string> Graphs => ["cnn", "residual"];

    private static ModelGraph Graph(string name) => name == "cnn" ? TestGraphs.SmallCnn() : TestGraphs.ResidualMlp();

    [Theory]
    [MemberData(nameof(Graphs))]
    public void SnnOutputConvergesToAnnLogitsAsTGrows(string name)
    {
        // Calibrated with max normalization on the very images simulated, nothing can saturate: what is left is
        // quantization error, which must shrink as T grows.
        ModelGraph graph = Graph(name);
        const int count = 24;
        float[] x = TestGraphs.Inputs(new Random(99), count, graph.Input.OutputShape.Size);
        var (net, prepared) = Convert(graph, new ConversionOptions { Normalization = NormalizationKind.Max }, count, calib: x);
        float[] ann = new AnnExecutor(prepared).Forward(x, count);
        int outSize = prepared.Output.OutputShape.Size;
        double scale = ann.Max(MathF.Abs);

        double previous = double.PositiveInfinity;
        foreach (int t in new[] { 16, 128, 1024 })
        {
            SimulationResult r = Simulate(net, x, count, new SimulationOptions { Timesteps = t });
            double err = 0;
            for (int b = 0; b < count; b++)
            {
                for (int k = 0; k < outSize; k++) err = Math.Max(err, Math.Abs(r.Outputs[b][k] - ann[b * outSize + k]));
            }
            Assert.True(err < previous * 1.05 + 1e-3 * scale, $"T={t}: max error {err:g3} did not shrink from {previous:g3}");
            previous = err;
        }
        Assert.True(previous < 0.05 * scale, $"max |SNN − ANN| = {previous:g3} at T=1024, output scale {scale:g3}");
    }

    [Fact]
    public void WeightScalingAndThresholdScalingGiveTheSameSpikes()
    {
        ModelGraph graph = TestGraphs.SmallCnn();
        var (byWeights, _) = Convert(graph, new ConversionOptions { Scaling = ScalingMode.Weights });
        var (byThresholds, _) = Convert(graph, new ConversionOptions { Scaling = ScalingMode.Thresholds });
        const int count = 16;
        float[] x = TestGraphs.Inputs(new Random(5), count, 64);
        SimulationResult a = Simulate(byWeights, x, count, new SimulationOptions { Timesteps = 64 });
        SimulationResult b = Simulate(byThresholds, x, count, new SimulationOptions { Timesteps = 64 });
        Assert.Equal(a.Predictions, b.Predictions);
        // Rounding differs between the two parameterizations only in the last bit, which can move a spike across a
        // step boundary in rare neurons; the totals must agree to a few spikes in a hundred thousand.
        for (int l = 0; l < a.LayerSpikes.Length; l++)
        {
            Assert.InRange(b.LayerSpikes[l], a.LayerSpikes[l] - 1 - a.LayerSpikes[l] / 10_000,
                a.LayerSpikes[l] + 1 + a.LayerSpikes[l] / 10_000);
        }
    }

    [Fact]
    public void ConvertedStructureFollowsTheGraph()
    {
        var (net, _) = Convert(TestGraphs.SmallCnn(), new ConversionOptions());
        Assert.Equal(["neurons", "maxpool", "neurons", "readout"], net.Layers.Select(l => l.Kind));
        // BatchNorm folded, the max-pool source gain folded into conv2, the average pool kept as summation before fc.
        var conv2 = (NeuronLayer)net.Layers[2];
        Assert.IsType<ConvOp>(Assert.Single(Assert.Single(conv2.Projections).Ops));
        var readout = (ReadoutLayer)net.Layers[3];
        Assert.Equal(["avgpool", "reshape", "dense"], Assert.Single(readout.Projections).Ops.Select(o => o.Kind));
    }

    [Fact]
    public void ResidualPathsMeetOnOneMembrane()
    {
        var (net, _) = Convert(TestGraphs.ResidualMlp(), new ConversionOptions());
        var r2 = (NeuronLayer)net.Layers[1];
        Assert.Equal([0, 0], r2.Projections.Select(p => p.Source));
        Assert.Contains(r2.Projections, p => p.Ops is [ScaleOp]);   // identity path: a gain λ_r1/λ_r2
        Assert.Contains(r2.Projections, p => p.Ops is [DenseOp]);   // d2 with both gains folded
    }

    [Fact]
    public void ModelBasedNormalizationNeedsNoData()
    {
        ModelGraph prepared = Converter.Prepare(TestGraphs.SmallCnn(), out _);
        SpikingNetwork net = Converter.Convert(prepared, null, new ConversionOptions { Normalization = NormalizationKind.Model }).Network;
        Assert.Equal(4, net.Layers.Count);
        var e = Assert.Throws<InvalidOptionException>(() => Converter.Convert(prepared, null, new ConversionOptions()));
        Assert.Contains("norm", e.Message);
    }

    [Fact]
    public void NonConvertibleGraphIsRefusedNamingTheNode()
    {
        var rng = new Random(1);
        var input = new InputNode("x", new Shape(4));
        var d1 = new DenseNode("d1", input, TestGraphs.Random(rng, 1, 4, 4), null);
        var d2 = new DenseNode("d2", d1, TestGraphs.Random(rng, 1, 3, 4), null); // no ReLU between, and not in the readout
        var d3 = new DenseNode("d3", new ReluNode("r", d2), TestGraphs.Random(rng, 1, 2, 3), null);
        var e = Assert.Throws<UnsupportedOperatorException>(() => Converter.Prepare(new ModelGraph(input, d3), out _));
        Assert.Contains("'d1'", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteCalibrationDataIsRefused(float bad)
    {
        ModelGraph graph = Converter.Prepare(TestGraphs.SmallCnn(), out _);
        int size = graph.Input.OutputShape.Size;
        float[] calib = TestGraphs.Inputs(new Random(5), 8, size);
        calib[(2 * size) + 4] = bad;
        var e = Assert.Throws<InvalidDatasetException>(
            () => Calibration.Collect(graph, [(calib[..(4 * size)], 4), (calib[(4 * size)..], 4)], 8));
        Assert.Contains($"calibration data: sample 2 element 4 is {bad}", e.Message);
    }

    [Fact]
    public void EmptyOrShortCalibrationDataIsRefused()
    {
        ModelGraph graph = Converter.Prepare(TestGraphs.SmallCnn(), out _);
        int size = graph.Input.OutputShape.Size;
        Assert.Contains("no images", Assert.Throws<InvalidDatasetException>(() => Calibration.Collect(graph, [], 8)).Message);
        Assert.Contains("no images",
            Assert.Throws<InvalidDatasetException>(() => Calibration.Collect(graph, [(new float[size], 0)], 8)).Message);
        var e = Assert.Throws<InvalidDatasetException>(() => Calibration.Collect(graph, [(new float[(2 * size) - 1], 2)], 8));
        Assert.Contains("a batch of 2 images holds", e.Message);
        Assert.Contains("calib-images",
            Assert.Throws<InvalidOptionException>(() => Calibration.Collect(graph, [(new float[size], 1)], 0)).Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void BadPercentileIsRefused(double p)
    {
        var e = Assert.Throws<InvalidOptionException>(() => new ConversionOptions { Percentile = p }.Validate());
        Assert.Contains("percentile", e.Message);
    }
}
