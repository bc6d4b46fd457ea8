using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

/// <summary>LeakyRelu and PRelu inside the network become signed neurons with a negative branch.</summary>
public class LeakyConversionTests
{
    private static ConversionResult Convert(ModelGraph graph, ConversionOptions options) => TestConversion.Convert(graph, options, 64);

    [Fact]
    public void PopulationsCarryTheGainsOfTheirActivations()
    {
        ModelGraph graph = TestGraphs.LeakyCnn();
        ConversionResult result = Convert(graph, new ConversionOptions());
        var populations = result.Network.Layers.OfType<NeuronLayer>().ToDictionary(l => l.Name);
        Assert.All(populations.Values, l => Assert.True(l.Neuron.SignedSpikes));
        Assert.Equal([0.1f], populations["leaky1"].NegativeGain!);
        Assert.Equal(((ActivationNode)graph.Nodes.Single(n => n.Name == "prelu2")).Slope, populations["prelu2"].NegativeGain);
        Assert.Equal([0.3f], populations["leaky3"].NegativeGain!);
        Assert.Equal("true", result.Network.Metadata["signed_spikes"]);
    }

    [Fact]
    public void TheSnnConvergesToTheAnnAsTGrows()
    {
        // With max normalization nothing is clipped: the readout error is only the quantization, O(1/T).
        ModelGraph graph = TestGraphs.LeakyCnn();
        var options = new ConversionOptions { Normalization = NormalizationKind.Max };
        ConversionResult result = Convert(graph, options);
        const int count = 24;
        float[] x = TestGraphs.Inputs(new Random(21), count, graph.Input.OutputShape.Size);
        float[] logits = new AnnExecutor(graph).Forward(x, count);
        double Error(int t)
        {
            SimulationResult sim = new DenseSimulator().Run(result.Network, [new DataBatch(x, new int[count], count)],
                new SimulationOptions { Timesteps = t, KeepOutputs = true, MaxDegreeOfParallelism = 1 });
            return Enumerable.Range(0, count).Average(b => sim.Outputs[b].Select((y, k) => Math.Abs(y - logits[b * 10 + k])).Max());
        }
        double scale = logits.Max(MathF.Abs);
        double e16 = Error(16), e128 = Error(128), e1024 = Error(1024);
        Assert.True(e128 < e16 && e1024 < e128, $"errors at T = 16, 128, 1024: {e16:g3}, {e128:g3}, {e1024:g3}");
        Assert.True(e1024 < 0.02 * scale, $"error {e1024:g3} at T = 1024 against logits up to {scale:g3}");
    }

    [Fact]
    public void ANegativeBranchIsWhatMakesTheSnnRight()
    {
        // The same network converted as if every LeakyRelu were a ReLU is measurably worse: the branch matters.
        ModelGraph graph = TestGraphs.LeakyCnn();
        ModelGraph relu = ReluVersion(graph);
        const int count = 24, steps = 512;
        float[] x = TestGraphs.Inputs(new Random(22), count, graph.Input.OutputShape.Size);
        float[] logits = new AnnExecutor(graph).Forward(x, count);
        double Error(ModelGraph g)
        {
            SpikingNetwork net = Convert(g, new ConversionOptions { Normalization = NormalizationKind.Max, SignedSpikes = true }).Network;
            SimulationResult sim = new DenseSimulator().Run(net, [new DataBatch(x, new int[count], count)],
                new SimulationOptions { Timesteps = steps, KeepOutputs = true, MaxDegreeOfParallelism = 1 });
            return Enumerable.Range(0, count).Average(b => sim.Outputs[b].Select((y, k) => Math.Abs(y - logits[b * 10 + k])).Average());
        }
        double leaky = Error(graph), plain = Error(relu);
        Assert.True(leaky * 3 < plain, $"mean |logit error|: {leaky:g3} with negative branches, {plain:g3} as ReLUs");
    }

    private static ModelGraph ReluVersion(ModelGraph graph)
    {
        var map = new Dictionary<Node, Node>(ReferenceEqualityComparer.Instance);
        foreach (Node n in graph.Nodes)
        {
            map[n] = n switch
            {
                InputNode => n,
                ActivationNode a => new ReluNode(a.Name, map[a.Inputs[0]]),
                Conv2dNode c => new Conv2dNode(c.Name, map[c.Inputs[0]], c.Weight, c.Bias, c.Window),
                Pool2dNode p => new Pool2dNode(p.Name, map[p.Inputs[0]], p.Kind, p.Window),
                ReshapeNode r => new ReshapeNode(r.Name, map[r.Inputs[0]], r.OutputShape, "Flatten"),
                DenseNode d => new DenseNode(d.Name, map[d.Inputs[0]], d.Weight, d.Bias),
                _ => throw new ArgumentException(n.Op),
            };
        }
        return new ModelGraph((InputNode)map[graph.Input], map[graph.Output], "relu_cnn");
    }

    [Fact]
    public void TuningForAShortWindowKeepsTheNegativeBranchesAndSaysWhy()
    {
        ModelGraph graph = TestGraphs.LeakyCnn();
        const int images = 32;
        float[] x = TestGraphs.Inputs(new Random(11), images, graph.Input.OutputShape.Size);
        var data = new ArrayDataset(x, new int[images], graph.Input.OutputShape);
        ConversionResult r = ConversionPipeline.Run(graph, data, ConversionOptions.ForWindow(4) with { CalibrationImages = images });
        Assert.Contains("signed neurons: on (the network has LeakyRelu or PRelu: signed neurons with a negative branch)", r.Choices);
        Assert.Equal(3, r.Network.Layers.OfType<NeuronLayer>().Count(l => l.NegativeGain is not null));
    }

    [Fact]
    public void PreflightNotesTheNegativeBranch()
    {
        ModelGraph graph = TestGraphs.LeakyCnn();
        PreflightReport report = Preflight.Check(graph);
        Assert.True(report.Convertible);
        Assert.Contains("negative branch has gain α = 0.1", report.For(graph.Nodes.Single(n => n.Name == "leaky1"))!.Message);
        Assert.Contains("8 slopes", report.For(graph.Nodes.Single(n => n.Name == "prelu2"))!.Message);
    }

    [Fact]
    public void AReluAfterALeakyPopulationIsAPopulationOfItsOwn()
    {
        // A ReLU on a non-negative population changes nothing, but on a signed one it cuts the negative branch off.
        var rng = new Random(2);
        var input = new InputNode("input", new Shape(6));
        var d1 = new DenseNode("d1", input, TestGraphs.Random(rng, 0.8f, 8, 6), TestGraphs.Vector(rng, 8, -0.3f, 0f));
        var leaky = new ActivationNode("leaky", d1, ActivationKind.LeakyRelu, 0.2f);
        var relu = new ReluNode("relu", leaky);
        var d2 = new DenseNode("d2", relu, TestGraphs.Random(rng, 0.5f, 3, 8), null);
        ConversionResult result = Convert(new ModelGraph(input, d2, "relu_after_leaky"), new ConversionOptions());
        Assert.Equal(["leaky", "relu"], result.Network.Layers.OfType<NeuronLayer>().Select(l => l.Name));
        Assert.Null(result.Network.Layers.OfType<NeuronLayer>().Single(l => l.Name == "relu").NegativeGain);
    }

    [Theory]
    [InlineData("unsigned")]
    [InlineData("lif")]
    [InlineData("burst")]
    [InlineData("refractory")]
    public void WithoutSignedIfNeuronsConversionIsRefusedNamingTheNode(string why)
    {
        var options = why switch
        {
            "unsigned" => new ConversionOptions { SignedSpikes = false },
            "lif" => new ConversionOptions { Neuron = NeuronModels.Lif },
            "burst" => new ConversionOptions { Burst = 2 },
            _ => new ConversionOptions { RefractorySteps = 1 },
        };
        var e = Assert.Throws<InvalidOptionException>(() => Convert(TestGraphs.LeakyCnn(), options));
        Assert.StartsWith("option 'signed': node 'leaky1' (LeakyRelu) converts to signed IF neurons", e.Message);
    }

    [Fact]
    public void TheTtfsBackendRefusesANegativeBranch()
    {
        SpikingNetwork net = Convert(TestGraphs.LeakyCnn(), new ConversionOptions()).Network;
        float[] x = TestGraphs.Inputs(new Random(1), 2, net.InputShape.Size);
        var e = Assert.Throws<InvalidOptionException>(() => new TtfsSimulator().Run(net, [new DataBatch(x, new int[2], 2)],
            new SimulationOptions { Input = InputEncoding.Ttfs }));
        Assert.Contains("negative branch", e.Message);
    }

    [Fact]
    public void AGainThatDoesNotFitThePopulationIsRefused()
    {
        var shape = new Shape(2, 3, 3);
        var projection = new Projection(-1, [new ScaleOp(shape, [1f])]);
        NeuronParameters signed = NeuronParameters.IntegrateAndFire() with { SignedSpikes = true };
        var e = Assert.Throws<InvalidModelException>(
            () => new NeuronLayer("n", shape, signed, [projection], new float[18], [0.1f, 0.2f, 0.3f]));
        Assert.Contains("layer 'n': negative-branch gain has 3 values; expected 1, 2 (channels) or 18", e.Message);
        e = Assert.Throws<InvalidModelException>(() => new NeuronLayer("n", shape, NeuronParameters.IntegrateAndFire(), [projection],
            new float[18], [0.1f]));
        Assert.Contains("needs signed spikes", e.Message);
        e = Assert.Throws<InvalidModelException>(() => new NeuronLayer("n", shape, signed, [projection], new float[18], [float.NaN]));
        Assert.Contains("non-finite", e.Message);
    }
}
