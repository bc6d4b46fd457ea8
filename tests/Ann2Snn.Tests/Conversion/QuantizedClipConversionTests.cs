using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;
using Xunit.Abstractions;

namespace Ann2Snn.Tests.Conversion;

/// <summary>
/// Quantized-clip (QCFS) networks convert without calibration data: each quantized clip becomes IF neurons with
/// threshold λ from the node and initial membrane φ·λ. With one hidden layer on analog input the SNN at T = L is the ANN
/// exactly (a constant current z gives ⌊T·z/λ + φ⌋ spikes, clipped to [0, T]); deeper, it agrees on most inputs.
/// </summary>
public sealed class QuantizedClipConversionTests(ITestOutputHelper output)
{
    private const int Levels = 4;

    /// <summary>Input[12] → Dense 16 → QCFS(λ = 1.5, L = 4) → Dense 5.</summary>
    private static ModelGraph OneHidden()
    {
        var rng = new Random(21);
        var input = new InputNode("input", new Shape(12));
        var d1 = new DenseNode("d1", input, TestGraphs.Random(rng, 0.6f, 16, 12), TestGraphs.Vector(rng, 16, -0.3f, 0.5f));
        var q = new QuantizedClipNode("q1", d1, 1.5f, Levels);
        var d2 = new DenseNode("d2", q, TestGraphs.Random(rng, 0.8f, 5, 16), TestGraphs.Vector(rng, 5, -0.1f, 0.1f));
        return new ModelGraph(input, d2, "qcfs_mlp");
    }

    /// <summary>
    /// Input[1,8,8] → Conv4(3×3, p1) → BN → QCFS(λ = 1) → MaxPool2 → Conv8(3×3, p1) → QCFS(λ = 0.75) → AvgPool2 → Flatten →
    /// Dense(32 → 10): <see cref="TestGraphs.SmallCnn"/> with its ReLUs replaced by quantized clips of L = 4.
    /// </summary>
    private static ModelGraph SmallQcfsCnn()
    {
        ModelGraph cnn = TestGraphs.SmallCnn();
        return GraphRewriter.Rebuild(cnn, (n, inputs) => n switch
        {
            ReluNode { Name: "relu1" } => new QuantizedClipNode("q1", inputs[0], 1f, Levels),
            ReluNode => new QuantizedClipNode("q2", inputs[0], 0.75f, Levels),
            _ => GraphRewriter.WithInputs(n, inputs),
        });
    }

    private static ConversionResult ConvertWithoutData(ModelGraph graph, ConversionOptions? options = null)
    {
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        return Converter.Convert(prepared, null, options ?? new ConversionOptions(), applied);
    }

    /// <summary>
    /// Converts <paramref name="graph"/> without data and runs ANN and SNN (dense simulator, T = <paramref name="timesteps"/>)
    /// on <paramref name="count"/> random inputs in [0, 1].
    /// </summary>
    private static (float[] Ann, SimulationResult Snn) Run(ModelGraph graph, int count, int seed, int timesteps)
    {
        ConversionResult result = ConvertWithoutData(graph);
        float[] x = TestGraphs.Inputs(new Random(seed), count, graph.Input.OutputShape.Size);
        float[] ann = new AnnExecutor(result.FoldedGraph).Forward(x, count);
        SimulationResult snn = new DenseSimulator().Run(result.Network, [new DataBatch(x, new int[count], count)],
            new SimulationOptions { Timesteps = timesteps, KeepOutputs = true });
        return (ann, snn);
    }

    [Fact]
    public void One_hidden_layer_at_T_equal_L_is_the_ANN_exactly()
    {
        const int count = 200;
        var (ann, snn) = Run(OneHidden(), count, seed: 8, Levels);
        double worst = 0;
        for (int b = 0; b < count; b++)
        {
            for (int k = 0; k < 5; k++) worst = Math.Max(worst, Math.Abs(snn.Outputs[b][k] - ann[b * 5 + k]));
        }
        output.WriteLine($"max |SNN − ANN| at T = L: {worst:g3}");
        Assert.True(worst < 1e-5, $"max |SNN − ANN| = {worst:g3} at T = L");
    }

    [Theory]
    [InlineData(Levels)]
    [InlineData(2 * Levels)]
    public void A_small_CNN_converts_without_data_and_agrees_with_the_ANN(int timesteps)
    {
        // Measured on these 400 inputs (signed neurons, the default here): all 400 agree at T = L and at T = 2L, with a mean
        // |SNN − ANN| of 0.042 and 0.068 of the logits' mean spread (max pooling and the second layer's uneven spike input
        // are what is left; the first layer is exact at T = L). Starting the membranes at 0 instead of θ/2 gives 396/400
        // and 0.37 at T = L, 0.20 at T = 2L.
        const int count = 400;
        var (ann, snn) = Run(SmallQcfsCnn(), count, seed: 5, timesteps);
        int agree = 0;
        double error = 0, spread = 0;
        for (int b = 0; b < count; b++)
        {
            int annClass = Array.IndexOf(ann, ann.AsSpan(b * 10, 10).ToArray().Max(), b * 10) - b * 10;
            if (snn.Predictions[b] == annClass) agree++;
            for (int k = 0; k < 10; k++)
            {
                error += Math.Abs(snn.Outputs[b][k] - ann[b * 10 + k]);
                spread += Math.Abs(ann[b * 10 + k] - ann.Skip(b * 10).Take(10).Average());
            }
        }
        output.WriteLine($"T = {timesteps}: SNN agrees with the ANN on {agree}/{count}; mean |SNN − ANN| / mean spread of the "
            + $"logits {error / spread:g3}");
        Assert.True(agree >= 0.98 * count, $"T = {timesteps}: {agree}/{count} agree, expected ≥ 98 %");
        Assert.True(error / spread < 0.1, $"T = {timesteps}: mean |SNN − ANN| is {error / spread:g3} of the logits' spread");
    }

    [Fact]
    public void Threshold_and_initial_membrane_come_from_the_node_even_with_data()
    {
        ModelGraph graph = SmallQcfsCnn();
        ModelGraph prepared = Converter.Prepare(graph, out _);
        const int count = 32;
        float[] x = TestGraphs.Inputs(new Random(2), count, 64);
        CalibrationStatistics stats = Calibration.Collect(prepared, [(x, count)], count);
        var options = new ConversionOptions { InitialFraction = 0f, Scaling = ScalingMode.Thresholds };
        ConversionResult result = Converter.Convert(prepared, stats, options);
        ConvertedLayer q1 = result.Layers.Single(l => l.Name == "q1"), q2 = result.Layers.Single(l => l.Name == "q2");
        Assert.Equal((1f, 1f, "model (QCFS L=4)"), (q1.Scale, q1.Threshold, q1.LambdaSource));
        Assert.Equal((0.75f, 0.75f, "model (QCFS L=4)"), (q2.Scale, q2.Threshold, q2.LambdaSource));
        foreach (NeuronLayer layer in result.Network.Layers.OfType<NeuronLayer>())
        {
            Assert.Equal(0.5f, layer.Neuron.InitialFraction); // φ of the node, not the option's 0
        }
    }

    [Fact]
    public void Signed_neurons_are_on_by_default_for_quantized_clips_and_can_be_turned_off()
    {
        Assert.True(new ConversionOptions().UseSignedSpikes(SmallQcfsCnn()));
        Assert.False(new ConversionOptions().UseSignedSpikes(TestGraphs.SmallCnn()));
        Assert.False(new ConversionOptions { SignedSpikes = false }.UseSignedSpikes(SmallQcfsCnn()));
        ConversionResult result = ConvertWithoutData(SmallQcfsCnn());
        Assert.Equal("true", result.Network.Metadata["signed_spikes"]);
        Assert.All(result.Network.Layers.OfType<NeuronLayer>(), l => Assert.True(l.Neuron.SignedSpikes));
    }

    [Fact]
    public void A_ReLU_beside_quantized_clips_still_needs_data_or_model_normalization()
    {
        var rng = new Random(4);
        var input = new InputNode("input", new Shape(6));
        var d1 = new DenseNode("d1", input, TestGraphs.Random(rng, 0.5f, 6, 6), null);
        var q = new QuantizedClipNode("q", d1, 2f, 8);
        var d2 = new DenseNode("d2", q, TestGraphs.Random(rng, 0.5f, 6, 6), null);
        var r = new ReluNode("r", d2);
        var d3 = new DenseNode("d3", r, TestGraphs.Random(rng, 0.5f, 3, 6), null);
        var graph = new ModelGraph(input, d3);
        Assert.Contains("norm", Assert.Throws<InvalidOptionException>(() => ConvertWithoutData(graph)).Message);
        ConversionResult model = ConvertWithoutData(graph, new ConversionOptions { Normalization = NormalizationKind.Model });
        Assert.Equal("model (QCFS L=8)", model.Layers.Single(l => l.Name == "q").LambdaSource);
        Assert.Null(model.Layers.Single(l => l.Name == "r").LambdaSource);
    }
}
