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

/// <summary>
/// Tuning a conversion for a short window: λ fitted to T spike slots, layer-wise calibration, the recipe of
/// <see cref="ConversionOptions.ForWindow"/> and what it reports.
/// </summary>
public class WindowTuningTests
{
    private const int Images = 96;

    private static (ModelGraph Prepared, CalibrationStatistics Stats, IReadOnlyList<string> Passes, float[] X) Prepare(ModelGraph graph)
    {
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        float[] x = TestGraphs.Inputs(new Random(11), Images, graph.Input.OutputShape.Size);
        return (prepared, Calibration.Collect(prepared, [(x, Images)], Images), applied, x);
    }

    /// <summary>Mean squared error E[(x − q(x))²] of the window's quantizer with scale λ on raw values.</summary>
    private static double QuantizationError(float[] values, double lambda, int levels)
    {
        double step = lambda / levels, sum = 0;
        foreach (float x in values)
        {
            double q = step * Math.Min(levels, Math.Floor(x / step + 0.5));
            sum += (x - q) * (x - q);
        }
        return sum / values.Length;
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(4, 32)]
    public void FittedScaleBeatsTheMaxAndThePercentilesOnTheValuesThemselves(int seed, int levels)
    {
        // Long-tailed positive values, as ReLU activations are: exponential with a few large outliers.
        var rng = new Random(seed);
        float[] values = Enumerable.Range(0, 20_000).Select(_ => (float)(-Math.Log(1 - rng.NextDouble()) * (rng.Next(50) == 0 ? 5 : 1)))
            .ToArray();
        var h = new StreamingHistogram();
        h.Add(values);
        float fitted = h.QuantizationOptimum(levels);
        Assert.InRange(fitted, h.Max / 64, h.Max);
        double best = QuantizationError(values, fitted, levels);
        foreach (double other in new double[] { h.Max, h.Percentile(99.99), h.Percentile(99.9), h.Percentile(99), h.Percentile(90) })
        {
            // Values are taken at their bin's centre: allow that much (a bin is ≤ 2·max/4096 wide).
            Assert.True(best <= QuantizationError(values, other, levels) * 1.01 + 1e-9,
                $"λ = {fitted} gives {best}, λ = {other} gives {QuantizationError(values, other, levels)}");
        }
    }

    [Fact]
    public void MoreSlotsClipLessAndUniformValuesAreNotClippedMuch()
    {
        var rng = new Random(5);
        float[] tail = Enumerable.Range(0, 20_000).Select(_ => (float)-Math.Log(1 - rng.NextDouble())).ToArray();
        var h = new StreamingHistogram();
        h.Add(tail);
        float[] byLevels = [.. new[] { 1, 2, 4, 8, 16, 64, 256 }.Select(l => h.QuantizationOptimum(l))];
        for (int i = 1; i < byLevels.Length; i++) Assert.True(byLevels[i] >= byLevels[i - 1] * 0.98, string.Join(", ", byLevels));

        var uniform = new StreamingHistogram();
        uniform.Add(Enumerable.Range(1, 10_000).Select(i => i / 10_000f).ToArray());
        Assert.InRange(uniform.QuantizationOptimum(8), 0.9f, 1f);
        Assert.Equal(0f, new StreamingHistogram().QuantizationOptimum(4));
        Assert.Throws<InvalidOptionException>(() => uniform.QuantizationOptimum(0));
    }

    [Theory]
    [InlineData(ScalingMode.Weights, NormalizationKind.ChannelFit)]
    [InlineData(ScalingMode.Thresholds, NormalizationKind.Fit)]
    public void AnOutputShiftIsTheCurrentThatAddsItToTheEncodedValue(ScalingMode scaling, NormalizationKind norm)
    {
        var (prepared, stats, passes, _) = Prepare(TestGraphs.SmallCnn());
        var options = new ConversionOptions { Scaling = scaling, Normalization = norm, Window = 4 };
        ConversionResult plain = Converter.Convert(prepared, stats, options, passes);
        int l = plain.Network.Layers.ToList().FindIndex(x => x is NeuronLayer);
        ConvertedLayer log = plain.Layers[l];
        float[] shift = TestGraphs.Vector(new Random(2), log.Shape.Size, -0.5f, 0.5f);
        ConversionResult shifted = Converter.Convert(prepared, stats, options, passes,
            LayerAdjustments.None.AddOutputShift(log.FromNode, shift));
        var a = (NeuronLayer)plain.Network.Layers[l];
        var b = (NeuronLayer)shifted.Network.Layers[l];
        int plane = log.Shape.Size / log.Shape.Channels;
        for (int j = 0; j < shift.Length; j++)
        {
            float u = log.SpikeValue[log.SpikeValue.Count == 1 ? 0 : j / plane];
            // Δb·T/θ spikes more, each worth u: the encoded mean moves by Δb·u/θ = Δa.
            Assert.Equal(shift[j], (b.Bias[j] - a.Bias[j]) * u / a.Neuron.VThreshold, 4);
        }

        ConversionResult scaled = Converter.Convert(prepared, stats, options, passes,
            LayerAdjustments.None.WithLambdaFactor(log.FromNode, 0.5f));
        for (int c = 0; c < log.SpikeValue.Count; c++) Assert.Equal(log.SpikeValue[c] * 0.5f, scaled.Layers[l].SpikeValue[c], 5);
    }

    /// <summary>
    /// A Transformer block (operator layers, signed operand populations, dense synapses over tokens) tunes like a CNN: the
    /// operators are left alone, the operand populations get a λ factor but no bias shift (they carry a signed mean), and the
    /// tuned network's output error at T = 8 is below the plain one's. Eval tunes such a network by default at short windows.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ATransformerBlockTunesForAShortWindowAndItsOperatorsAreLeftAlone(int seed)
    {
        ModelGraph graph = AttentionConversionTests.Block(seed);
        Assert.True(WindowTuning.TunesByDefault(graph, 8));
        var (prepared, stats, passes, x) = Prepare(graph);
        var calibration = new LayerwiseCalibration(prepared, stats, passes, x, Images, 8);
        var options = new ConversionOptions { Normalization = NormalizationKind.ChannelFit, Window = 8 };
        ConversionResult plain = calibration.Calibrate(options);
        ConversionResult tuned = calibration.Calibrate(options with { Calibrate = LayerCalibration.Advanced });
        Assert.Contains(tuned.Network.Layers, l => l is OperatorLayer);
        string[] operands = [.. tuned.Network.Layers.OfType<NeuronLayer>().Where(l => l.NegativeGain is [1f]).Select(l => l.Name)];
        Assert.NotEmpty(operands);
        Assert.DoesNotContain(tuned.Adjustments.OutputShifts.Keys, operands.Contains);
        Assert.True(calibration.Measure(tuned).OutputError < calibration.Measure(plain).OutputError,
            $"output error tuned {calibration.Measure(tuned).OutputError:g4}, plain {calibration.Measure(plain).OutputError:g4}");
    }

    [Theory]
    [InlineData(LayerCalibration.Light)]
    [InlineData(LayerCalibration.Advanced)]
    public void CalibrationMatchesTheMeanLogitsAndCutsTheOutputError(LayerCalibration level)
    {
        var (prepared, stats, passes, x) = Prepare(TestGraphs.SmallCnn());
        var calibration = new LayerwiseCalibration(prepared, stats, passes, x, Images, 4);
        var options = new ConversionOptions { Normalization = NormalizationKind.ChannelFit, Window = 4, SignedSpikes = false };
        ConversionResult none = calibration.Calibrate(options);
        ConversionResult tuned = calibration.Calibrate(options with { Calibrate = level });
        Assert.NotEmpty(tuned.Adjustments.OutputShifts);
        Assert.True(calibration.Measure(tuned).OutputError < calibration.Measure(none).OutputError);

        // The readout is corrected last and is linear in its bias: its mean output over the images is the ANN's mean logit.
        var sim = new DenseSimulator().Run(tuned.Network, [new DataBatch(x, new int[Images], Images)],
            new SimulationOptions { Timesteps = 4, KeepOutputs = true });
        float[] logits = new AnnExecutor(prepared).Forward(x, Images);
        int outputs = logits.Length / Images;
        for (int k = 0; k < outputs; k++)
        {
            double ann = Enumerable.Range(0, Images).Average(b => logits[b * outputs + k]);
            double snn = sim.Outputs.Average(y => y[k]);
            Assert.Equal(ann, snn, 3);
        }
    }

    [Fact]
    public void TheRecipeSaysWhatItChoseAndMarksTheNetwork()
    {
        ModelGraph graph = TestGraphs.SmallCnn();
        float[] x = TestGraphs.Inputs(new Random(11), Images, graph.Input.OutputShape.Size);
        var data = new ArrayDataset(x, new int[Images], graph.Input.OutputShape);
        ConversionResult r = ConversionPipeline.Run(graph, data, ConversionOptions.ForWindow(4) with { CalibrationImages = Images });
        Assert.Equal(4, r.Choices.Count);
        Assert.Contains(r.Choices, c => c.StartsWith("signed neurons: ", StringComparison.Ordinal));
        Assert.Contains(r.Choices, c => c.StartsWith("layer-wise calibration: advanced", StringComparison.Ordinal));
        Assert.Equal("4", r.Network.Metadata[WindowTuning.WindowKey]);
        Assert.Equal("advanced", r.Network.Metadata[WindowTuning.CalibrationKey]);
        Assert.All(r.Network.Layers.OfType<NeuronLayer>(), l => Assert.Equal(0.5f, l.Neuron.InitialFraction));

        // The same options convert to the same network (the tuning is deterministic).
        ConversionResult again = ConversionPipeline.Run(graph, data, ConversionOptions.ForWindow(4) with { CalibrationImages = Images });
        Assert.Equal(r.Choices, again.Choices);
        Assert.Equal(((NeuronLayer)r.Network.Layers[0]).Bias, ((NeuronLayer)again.Network.Layers[0]).Bias);
    }

    [Fact]
    public void WindowOptionsAreChecked()
    {
        Assert.Throws<InvalidOptionException>(() => new ConversionOptions { Normalization = NormalizationKind.Fit }.Validate());
        Assert.Throws<InvalidOptionException>(() => new ConversionOptions { Calibrate = LayerCalibration.Light }.Validate());
        Assert.Throws<InvalidOptionException>(() => new ConversionOptions { Window = 0 }.Validate());
        Assert.Throws<InvalidOptionException>(() => new ConversionOptions { Window = -3 }.Validate());
        // Layer-wise calibration needs images even where normalization does not.
        var e = Assert.Throws<InvalidOptionException>(() => ConversionPipeline.Run(TestGraphs.SmallCnn(), null,
            new ConversionOptions { Normalization = NormalizationKind.Model, Window = 4, Calibrate = LayerCalibration.Light }));
        Assert.Contains("calibrate", e.Message);
    }

    [Theory]
    [InlineData(8, true)]
    [InlineData(4, false)]
    public void AQuantizedClipKeepsItsLambdaOnlyWhereTheWindowHasItsLevels(int window, bool fromModel)
    {
        var rng = new Random(4);
        var input = new InputNode("input", new Shape(16));
        var d1 = new DenseNode("d1", input, TestGraphs.Random(rng, 0.5f, 12, 16), TestGraphs.Vector(rng, 12, -0.1f, 0.2f));
        var q = new QuantizedClipNode("q1", d1, 2f, 8);
        var d2 = new DenseNode("d2", q, TestGraphs.Random(rng, 0.5f, 4, 12), TestGraphs.Vector(rng, 4, -0.1f, 0.1f));
        var (prepared, stats, passes, _) = Prepare(new ModelGraph(input, d2, "qcfs_mlp"));
        ConversionResult r = Converter.Convert(prepared, stats,
            new ConversionOptions { Normalization = NormalizationKind.ChannelFit, Window = window }, passes);
        ConvertedLayer layer = r.Layers.Single(l => l.FromNode == "q1");
        Assert.Equal(fromModel, layer.LambdaSource!.StartsWith("model", StringComparison.Ordinal));
        if (fromModel) Assert.Equal(2f, layer.Scale);
        else Assert.InRange(layer.Scale, 0f, 2f);
    }
}
