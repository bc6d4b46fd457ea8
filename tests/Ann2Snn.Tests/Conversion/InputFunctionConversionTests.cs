using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Simulation.Layered;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Data;
using Ann2Snn.Tests.Snn;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

/// <summary>An element-wise function of the input itself becomes part of the input encoding.</summary>
public class InputFunctionConversionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Input[2,6,6] → the chain → Conv4(3×3, p1) → ReLU → AvgPool2 → Flatten → Dense(36→16) → ReLU → Dense(16→5).</summary>
    internal static ModelGraph EncodedCnn(string chain, int seed = 3)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(2, 6, 6));
        Node g = InputFunctionTests.Chain(chain, input, rng);
        var conv = new Conv2dNode("conv", g, TestGraphs.Random(rng, 0.6f, 4, 2, 3, 3), TestGraphs.Vector(rng, 4, -0.1f, 0.1f),
            Window2d.Square(3, 1, 1));
        var pool = new Pool2dNode("pool", new ReluNode("relu1", conv), PoolKind.Average, Window2d.Square(2, 2));
        var fc1 = new DenseNode("fc1", new ReshapeNode("flatten", pool, new Shape(36), "Flatten"), TestGraphs.Random(rng, 0.4f, 16, 36),
            TestGraphs.Vector(rng, 16, -0.1f, 0.2f));
        var fc2 = new DenseNode("fc2", new ReluNode("relu2", fc1), TestGraphs.Random(rng, 0.5f, 5, 16), null);
        return new ModelGraph(input, fc2, "encoded_" + chain);
    }

    private static float[] Images(int count) => TestGraphs.Inputs(new Random(21), count, 72);

    [Theory]
    [InlineData("tanh")]
    [InlineData("affine-tanh-clip")]
    [InlineData("clip")]
    [InlineData("affine-element-sigmoid")]
    public void PreflightCallsTheChainTheEncodersAndTheNetworkStoresIt(string chain)
    {
        ModelGraph graph = EncodedCnn(chain);
        PreflightReport report = Preflight.Check(graph);
        Assert.True(report.Convertible);
        foreach (Node n in InputFunctionChain.Of(graph))
        {
            Assert.Contains("part of the input encoding: the encoder applies it to the data", report.For(n)!.Message);
        }
        SpikingNetwork net = TestConversion.Convert(graph, new ConversionOptions()).Network;
        Assert.Equal(InputFunctionChain.Function(graph)!.ToString(), net.Metadata[InputFunction.Key]);
        Assert.Equal(["relu1", "relu2"], net.Layers.OfType<NeuronLayer>().Select(l => l.Name));
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("affine-tanh-clip")]
    [InlineData("prelu")]
    public void TheSnnConvergesToTheAnnAsTGrows(string chain)
    {
        ModelGraph graph = EncodedCnn(chain);
        SpikingNetwork net = TestConversion.Convert(graph, new ConversionOptions { Normalization = NormalizationKind.Max }).Network;
        const int count = 16;
        float[] x = Images(count);
        float[] logits = new AnnExecutor(graph).Forward(x, count);
        double Error(int t)
        {
            SimulationResult sim = new DenseSimulator().Run(net, [new DataBatch(x, new int[count], count)],
                new SimulationOptions { Timesteps = t, KeepOutputs = true, MaxDegreeOfParallelism = 1 });
            return Enumerable.Range(0, count).Average(b => sim.Outputs[b].Select((y, k) => Math.Abs(y - logits[b * 5 + k])).Max());
        }
        double scale = logits.Max(MathF.Abs), e8 = Error(8), e64 = Error(64), e512 = Error(512);
        Assert.True(e64 < e8 && e512 < e64, $"errors at T = 8, 64, 512: {e8:g3}, {e64:g3}, {e512:g3}");
        Assert.True(e512 < 0.01 * scale, $"error {e512:g3} at T = 512 against logits up to {scale:g3}");
    }

    [Fact]
    public void AReshapeInsideTheChainStaysASynapseAndScalarStepsFollowIt()
    {
        var rng = new Random(8);
        var input = new InputNode("input", new Shape(2, 6, 6));
        var flat = new ReshapeNode("flatten", input, new Shape(72), "Flatten");
        var g = new ActivationNode("g", new ScaleShiftNode("c", flat, [3f], [-1.5f]), ActivationKind.Sigmoid);
        var fc = new DenseNode("fc", g, TestGraphs.Random(rng, 0.5f, 5, 72), TestGraphs.Vector(rng, 5, -0.2f, 0.2f));
        var graph = new ModelGraph(input, fc, "flat_sigmoid");
        Assert.Equal(["flatten", "c", "g"], InputFunctionChain.Of(graph).Select(n => n.Name));
        SpikingNetwork net = TestConversion.Convert(graph, new ConversionOptions()).Network;
        Assert.Equal("affine:3/-1.5;sigmoid", net.Metadata[InputFunction.Key]);
        const int count = 8;
        float[] x = Images(count);
        float[] logits = new AnnExecutor(graph).Forward(x, count);
        SimulationResult sim = new DenseSimulator().Run(net, [new DataBatch(x, new int[count], count)],
            new SimulationOptions { Timesteps = 4, KeepOutputs = true });
        // The readout integrates the analog input exactly: no spiking layer, so the SNN is the ANN at any T.
        for (int b = 0; b < count; b++)
        {
            for (int k = 0; k < 5; k++) Assert.Equal(logits[b * 5 + k], sim.Outputs[b][k], 1e-4f);
        }
    }

    public static TheoryData<string, string> Backends => new()
    {
        { "dense", "analog" }, { "event", "analog" }, { "layered", "analog" }, { "dense", "poisson" }, { "event", "poisson" },
        { "layered", "poisson" }, { "ttfs", "ttfs" },
    };

    [Theory]
    [MemberData(nameof(Backends))]
    public void EveryBackendFeedsTheNetworkWhatTheFunctionMakesOfTheData(string backend, string encoding)
    {
        // The network with its function on x and the same network without it on g(x) (computed by the ANN) are one run.
        ModelGraph graph = EncodedCnn("affine-sigmoid-affine-hardswish");
        SpikingNetwork net = TestConversion.Convert(graph, new ConversionOptions()).Network;
        SpikingNetwork plain = InputFunction.Write(net, null);
        const int count = 9;
        float[] x = Images(count);
        AnnActivations acts = new AnnExecutor(graph).ForwardAll(x, count);
        float[] gx = acts.Of(InputFunctionChain.Of(graph)[^1]);
        ISimulator simulator = backend switch
        {
            "dense" => new DenseSimulator(),
            "event" => new EventSimulator(),
            "layered" => new LayeredSimulator(),
            _ => new TtfsSimulator(),
        };
        var options = new SimulationOptions
        {
            Timesteps = 24,
            Input = InputEncodingMetadata.Parse(encoding, "input"),
            Seed = 4,
            KeepOutputs = true,
            ChunkSize = 4,
        };
        var labels = new int[count];
        SimulationResult a = simulator.Run(net, [new DataBatch(x, labels, count)], options);
        SimulationResult b = simulator.Run(plain, [new DataBatch(gx, labels, count)], options);
        Assert.Equal(b.LayerSpikes, a.LayerSpikes);
        Assert.Equal(b.InputSpikes, a.InputSpikes);
        Assert.Equal(b.Predictions, a.Predictions);
        for (int i = 0; i < count; i++) Assert.Equal(b.Outputs[i], a.Outputs[i]);
        Assert.True(a.LayerSpikes.Sum() > 0);
        Assert.NotEqual(b.Outputs[0], simulator.Run(plain, [new DataBatch(x, labels, count)], options).Outputs[0]);
    }

    [Fact]
    public void TheFileKeepsTheFunctionAndALoadedNetworkReproducesIt()
    {
        SpikingNetwork net = TestConversion.Convert(EncodedCnn("affine-tanh-clip"), new ConversionOptions()).Network;
        string path = _dir.File("encoded.snn");
        SnnFile.Save(net, path);
        Assert.Equal(3, SnnFile.VersionOf(net));
        SpikingNetwork loaded = SnnFile.Load(path);
        Assert.Equal(net.Metadata[InputFunction.Key], loaded.Metadata[InputFunction.Key]);
        const int count = 6;
        float[] x = Images(count);
        var options = new SimulationOptions { Timesteps = 16, KeepOutputs = true };
        SimulationResult a = new DenseSimulator().Run(net, [new DataBatch(x, new int[count], count)], options);
        SimulationResult b = new DenseSimulator().Run(loaded, [new DataBatch(x, new int[count], count)], options);
        for (int i = 0; i < count; i++) Assert.Equal(a.Outputs[i], b.Outputs[i]);
    }

    [Fact]
    public void ABadFunctionIsNotSaved()
    {
        SpikingNetwork net = TestConversion.Convert(EncodedCnn("tanh"), new ConversionOptions()).Network;
        var metadata = net.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        metadata[InputFunction.Key] = "tanh:2";
        var bad = new SpikingNetwork(net.Name, net.InputShape, net.Layers, metadata);
        string path = _dir.File("never.snn");
        var e = Assert.Throws<InvalidModelException>(() => SnnFile.Save(bad, path));
        Assert.Contains("metadata input_function: step 1 (tanh): 1 parameter lists, expected 0", e.Message);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData(2, "tanh", "input_function needs format 3, the file says format 2")]
    [InlineData(3, "tanh;cosine", "input_function: step 2: 'cosine' is not one of")]
    [InlineData(3, "affine:1,2,3/0", "input_function: step 1 (affine): a list of 3 values, expected 1, 2 (channels) or 72")]
    public void ABadOrTooOldFunctionInAFileIsRefused(int version, string text, string expected)
    {
        SpikingNetwork net = TestConversion.Convert(EncodedCnn("tanh"), new ConversionOptions()).Network;
        string path = _dir.File("bad.snn");
        SnnFile.Save(net, path);
        SnnFileTests.EditManifest(path, m =>
        {
            m["format_version"] = version;
            m["metadata"]![InputFunction.Key] = text;
        });
        var e = Assert.Throws<InvalidModelException>(() => SnnFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
