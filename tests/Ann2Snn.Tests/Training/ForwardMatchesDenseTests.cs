using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.Simulation;
using Ann2Snn.Tests.TestUtil;
using Ann2Snn.Training;

namespace Ann2Snn.Tests.Training;

/// <summary>
/// The differentiable forward pass is the dense backend's: the same network, images and T give the same spikes of every
/// neuron and the same readout potentials, bit for bit.
/// </summary>
public sealed class ForwardMatchesDenseTests
{
    public static TheoryData<string, int> ExactCases => new()
    {
        { "if-subtract", 1 }, { "if-subtract", 7 }, { "if-zero", 5 }, { "lif-subtract", 6 }, { "lif-zero", 3 }, { "if-half", 16 },
    };

    [Theory]
    [MemberData(nameof(ExactCases))]
    public void ExactNetworkGivesTheDenseBackendsSpikesAndOutputs(string neuron, int timesteps)
    {
        NeuronParameters p = Neuron(neuron);
        SpikingNetwork net = ExactNetwork.Build(p);
        const int count = 21;
        SameAsDense(net, ExactNetwork.Inputs(count), count, timesteps, chunk: 8);
    }

    [Theory]
    [InlineData("if-half", 7)]
    [InlineData("lif-subtract", 5)]
    public void ExactNetworkWithALayerOverTokensGivesTheDenseBackendsSpikesAndOutputs(string neuron, int timesteps)
    {
        SpikingNetwork net = ExactNetwork.Build(Neuron(neuron), tokens: true);
        const int count = 21;
        SameAsDense(net, ExactNetwork.Inputs(count), count, timesteps, chunk: 8);
    }

    [Theory]
    [InlineData("mnist_lenet_bn", 4)]
    [InlineData("mnist_lenet_bn", 16)]
    [InlineData("mnist_resnet_mini", 4)]
    [InlineData("mnist_cnn_norm", 3)]
    public void ConvertedZooNetworkGivesTheDenseBackendsSpikes(string model, int timesteps)
    {
        SpikingNetwork net = ConvertForTraining(model);
        const int count = 12;
        float[] x = TestGraphs.Inputs(new Random(5), count, net.InputShape.Size);
        SameAsDense(net, x, count, timesteps, chunk: 5);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        SpikingNetwork net = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        const int count = 24;
        float[] x = ExactNetwork.Inputs(count);
        int[] labels = [.. Enumerable.Range(0, count).Select(i => i % 5)];
        float[][] Grad(int threads)
        {
            var t = new TrainableNetwork(net, new TrainingOptions { Timesteps = 5, ChunkSize = 4, MaxDegreeOfParallelism = threads });
            t.Gradient(x, labels, count);
            return t.Gradients;
        }
        float[][] one = Grad(1), four = Grad(4);
        for (int p = 0; p < one.Length; p++) Assert.Equal(one[p], four[p]);
    }

    internal static NeuronParameters Neuron(string name) => name switch
    {
        "if-subtract" => NeuronParameters.IntegrateAndFire(1f),
        "if-zero" => NeuronParameters.IntegrateAndFire(0.75f, ResetMode.ToZero),
        "if-half" => NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f),
        "lif-subtract" => NeuronParameters.LeakyIntegrateAndFire(8f, 1f, resistance: 1f / (1f - MathF.Exp(-1f / 8f))),
        "lif-zero" => NeuronParameters.LeakyIntegrateAndFire(4f, 0.5f, ResetMode.ToZero, vRest: -0.125f, resistance: 2f),
        _ => throw new ArgumentException(name),
    };

    /// <summary>A zoo model converted as fine-tuning takes it (unsigned neurons), calibrated on 16 random images.</summary>
    internal static SpikingNetwork ConvertForTraining(string model)
    {
        Ann2Snn.Graph.ModelGraph graph = Converter.Prepare(Ann2Snn.Onnx.OnnxImporter.Load(Zoo.ModelPath(model)), out var applied);
        const int count = 16;
        float[] calib = TestGraphs.Inputs(new Random(3), count, graph.Input.OutputShape.Size);
        CalibrationStatistics stats = Calibration.Collect(graph, [(calib, count)], count);
        return Converter.Convert(graph, stats, new ConversionOptions { SignedSpikes = false }, applied).Network;
    }

    private static void SameAsDense(SpikingNetwork net, float[] x, int count, int timesteps, int chunk)
    {
        var labels = new int[count];
        SimulationResult dense = new DenseSimulator().Run(net, [new DataBatch(x, labels, count)],
            new SimulationOptions { Timesteps = timesteps, KeepOutputs = true, ChunkSize = 7 });
        var trainable = new TrainableNetwork(net, new TrainingOptions { Timesteps = timesteps, ChunkSize = chunk });
        long[][] spikes = trainable.SpikeCounts(x, count);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            if (net.Layers[l] is ReadoutLayer) continue;
            Assert.True(dense.NeuronSpikes[l].Sum() > 0 || l == net.Layers.Count - 1, $"layer {l} never fires: a weak test");
            Assert.Equal(dense.NeuronSpikes[l], spikes[l]);
        }
        float[] logits = trainable.Logits(x, count);
        int size = net.Output.Shape.Size;
        for (int b = 0; b < count; b++) Assert.Equal(dense.Outputs[b], logits.AsSpan(b * size, size).ToArray());
        SpikingNetwork back = trainable.ToNetwork();
        SimulationResult again = new DenseSimulator().Run(back, [new DataBatch(x, labels, count)],
            new SimulationOptions { Timesteps = timesteps, KeepOutputs = true });
        Assert.Equal(dense.Outputs, again.Outputs);
    }
}
