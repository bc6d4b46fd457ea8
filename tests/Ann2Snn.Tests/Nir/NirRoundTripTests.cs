using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Neurons;
using Ann2Snn.Nir;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.Data;
using Ann2Snn.Tests.Snn;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Nir;

/// <summary>
/// .snn → NIR (HDF5) → .snn simulates to identical spikes on every rate-coded backend: converted networks (max pooling as the
/// explicit circuit, residual adds as edges meeting on a node, LIF, reset to zero, refractory, signed and burst neurons),
/// the zoo's bundled model and random networks; the reference samples import and simulate.
/// </summary>
public sealed class NirRoundTripTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static string Fixture(string name) => Path.Combine(Zoo.RepositoryRoot, "tests", "Ann2Snn.Tests", "Nir", "Fixtures", name);

    private SpikingNetwork RoundTrip(SpikingNetwork net, NirExportOptions? options = null)
    {
        string path = _dir.File(Guid.NewGuid().ToString("N") + ".nir");
        NirFile.Write(NirExporter.Export(net, options).Graph, path);
        return NirImporter.Import(NirFile.Read(path), "imported");
    }

    internal static SimulationResult Simulate(string backend, SpikingNetwork net, float[] x, int count, int timesteps = 30) =>
        Simulators.Create(backend).Run(net, [new DataBatch(x, new int[count], count)],
            new SimulationOptions { Timesteps = timesteps, MaxDegreeOfParallelism = 1, ChunkSize = 4 });

    internal static void SameSpikes(SpikingNetwork a, SpikingNetwork b, int seed = 5, int count = 6)
    {
        float[] x = TestGraphs.Inputs(new Random(seed), count, a.InputShape.Size);
        foreach (string backend in Simulators.RateCoded)
        {
            SimulationResult ra = Simulate(backend, a, x, count), rb = Simulate(backend, b, x, count);
            Assert.Equal(ra.Predictions, rb.Predictions);
            Assert.Equal(ra.LayerSpikes, rb.LayerSpikes);
            Assert.Equal(ra.NeuronSpikes, rb.NeuronSpikes);
        }
    }

    public static TheoryData<string> Conversions =>
        ["cnn", "residual", "residual-lif-refractory", "residual-signed", "residual-burst2", "cnn-channelwise-thresholds", "leaky"];

    [Theory]
    [MemberData(nameof(Conversions))]
    public void ConvertedNetworkRoundTripsToIdenticalSpikes(string name)
    {
        SpikingNetwork original = SnnFileTests.Converted(name);
        SpikingNetwork back = RoundTrip(original);
        Assert.Equal(original.Name, back.Name);
        Assert.Equal(original.Layers.Select(l => (l.Name, l.Kind, l.Shape)), back.Layers.Select(l => (l.Name, l.Kind, l.Shape)));
        Assert.Equal(original.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal), back.Metadata.OrderBy(kv => kv.Key,
            StringComparer.Ordinal));
        for (int i = 0; i < original.Layers.Count; i++)
        {
            if (original.Layers[i] is NeuronLayer n) Assert.Equal(n.Neuron, ((NeuronLayer)back.Layers[i]).Neuron);
        }
        SameSpikes(original, back);
    }

    [Fact]
    public void TokenDenseSynapsesAreRefusedNamingTheLayer()
    {
        // Their expanded Affine would deliver a vector, and NIR has no reshape back to tokens.
        var e = Assert.Throws<UnsupportedOperatorException>(() => NirExporter.Export(SnnFileTests.Tokens()));
        Assert.Contains("layer 0 't'", e.Message, StringComparison.Ordinal);
        Assert.Contains("(token_dense): [3×5] has no NIR form", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void LifWithExponentialSynapsesRoundTripsThroughCubaLifToIdenticalSpikes()
    {
        SpikingNetwork original = SnnFileTests.Converted("residual-lif-refractory");
        var options = new NirExportOptions { Synapse = SynapseModel.Exponential, TauSyn = 3f };
        NirGraph nir = NirExporter.Export(original, options).Graph;
        Assert.Contains(nir.Nodes.Values, n => n.Type == "CubaLIF");
        Assert.DoesNotContain(nir.Nodes.Values, n => n.Type == "LIF");
        SpikingNetwork back = RoundTrip(original, options);
        Assert.Equal((SynapseModel.Exponential, (float?)3f), SynapseMetadata.Read(back));
        float[] x = TestGraphs.Inputs(new Random(11), 5, original.InputShape.Size);
        var simulation = new SimulationOptions
        {
            Timesteps = 30,
            MaxDegreeOfParallelism = 1,
            ChunkSize = 4,
            Synapse = SynapseModel.Exponential,
            TauSyn = 3f,
        };
        foreach (string backend in Simulators.RateCoded)
        {
            SimulationResult a = Simulators.Create(backend).Run(original, [new DataBatch(x, new int[5], 5)], simulation);
            SimulationResult b = Simulators.Create(backend).Run(back, [new DataBatch(x, new int[5], 5)], simulation);
            Assert.Equal(a.NeuronSpikes, b.NeuronSpikes);
            Assert.Equal(a.Predictions, b.Predictions);
        }
    }

    [Fact]
    public void CubaLifMixedWithLifOrOfDifferentTauSynIsRefusedNamingTheNode()
    {
        SpikingNetwork original = SnnFileTests.Converted("residual-lif-refractory");
        NirGraph nir = NirExporter.Export(original, new NirExportOptions { Synapse = SynapseModel.Exponential, TauSyn = 3f }).Graph;
        string[] cuba = [.. nir.Nodes.Where(kv => kv.Value.Type == "CubaLIF").Select(kv => kv.Key).Order(StringComparer.Ordinal)];
        Assert.True(cuba.Length >= 2);
        NirNode first = nir.Nodes[cuba[0]];
        var slower = new Dictionary<string, NirValue>(first.Fields)
        {
            ["tau_syn"] = NirValue.Float64([.. Enumerable.Repeat(1e-3, first.Fields["tau_syn"].Count)], first.Fields["tau_syn"].Shape),
        };
        var nodes = new Dictionary<string, NirNode>(nir.Nodes) { [cuba[0]] = new NirNode("CubaLIF", slower, first.Metadata) };
        var e = Assert.Throws<UnsupportedOperatorException>(() => NirImporter.Import(new NirGraph(nodes, nir.Edges, nir.Metadata), "x"));
        Assert.Contains("tau_syn", e.Message, StringComparison.Ordinal);

        var lif = new Dictionary<string, NirValue>(first.Fields) { ["tau"] = first.Fields["tau_mem"] };
        lif.Remove("tau_mem");
        lif.Remove("tau_syn");
        lif.Remove("w_in");
        nodes[cuba[0]] = new NirNode("LIF", lif, first.Metadata);
        e = Assert.Throws<UnsupportedOperatorException>(() => NirImporter.Import(new NirGraph(nodes, nir.Edges, nir.Metadata), "x"));
        Assert.Contains("one synapse model per network", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExactRoundTripOfTheSnnItselfWhereEveryOpHasItsOwnNode()
    {
        // Without concatenation (which becomes a one-hot convolution) the network comes back field for field.
        SpikingNetwork original = SnnFileTests.Converted("cnn");
        SnnAssert.Equal(original, RoundTrip(original));
    }

    [Fact]
    public void ZooBundledModelRoundTripsToIdenticalSpikes()
    {
        SpikingNetwork original = ConvertZoo("mnist_lenet_bn");
        SpikingNetwork back = RoundTrip(original);
        SnnAssert.Equal(original, back);
        SameSpikes(original, back, count: 3);
    }

    /// <summary>A zoo model converted with the default options, calibrated on 16 random images (fast; the spikes are what
    /// matter).</summary>
    internal static SpikingNetwork ConvertZoo(string model)
    {
        Ann2Snn.Graph.ModelGraph graph = Converter.Prepare(Ann2Snn.Onnx.OnnxImporter.Load(Zoo.ModelPath(model)), out var applied);
        const int count = 16;
        float[] calib = TestGraphs.Inputs(new Random(3), count, graph.Input.OutputShape.Size);
        CalibrationStatistics stats = Calibration.Collect(graph, [(calib, count)], count);
        return Converter.Convert(graph, stats, new ConversionOptions(), applied).Network;
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomNetworkRoundTripsToIdenticalSpikes(int seed)
    {
        SpikingNetwork original = RandomNetwork(seed);
        SpikingNetwork back = RoundTrip(original);
        SnnAssert.Equal(original, back);
        SameSpikes(original, back, seed);
    }

    /// <summary>
    /// A random feed-forward network: a convolution stage (IF or LIF, per-channel bias, random padding and stride), optional
    /// average pooling, a gain, a flatten and dense stages, a skip projection, a membrane or spiking readout.
    /// </summary>
    internal static SpikingNetwork RandomNetwork(int seed)
    {
        var rng = new Random(seed);
        NeuronParameters Neuron() => rng.Next(2) == 0
            ? NeuronParameters.IntegrateAndFire(0.5f + rng.NextSingle(), rng.Next(2) == 0 ? ResetMode.BySubtraction : ResetMode.ToZero,
                rng.Next(2) * 0.5f)
            : NeuronParameters.LeakyIntegrateAndFire(5 + 100 * rng.NextSingle(), 0.5f + rng.NextSingle(),
                resistance: 1 + rng.NextSingle()) with
            { RefractorySteps = rng.Next(3) };
        int c = 1 + rng.Next(3), h = 5 + rng.Next(4);
        var input = new Shape(c, h, h);
        int oc = 2 + rng.Next(3), k = 1 + 2 * rng.Next(2), pad = rng.Next(2) * (k / 2), stride = 1 + rng.Next(2);
        var window = new Window2d(k, k, stride, stride, pad, pad, pad, pad);
        var (oh, ow) = window.OutputSize(h, h, "test");
        var convShape = new Shape(oc, oh, ow);
        var conv = new ConvOp(input, TestGraphs.Random(rng, 0.8f, oc, c, k, k), window, 1, convShape);
        float[] channelBias = TestGraphs.Vector(rng, oc, -0.1f, 0.2f);
        float[] bias0 = [.. Enumerable.Range(0, convShape.Size).Select(i => channelBias[i / (oh * ow)])];
        var layers = new List<SpikingLayer> { new NeuronLayer("conv", convShape, Neuron(), [new Projection(-1, [conv])], bias0) };
        var ops = new List<SynapticOp>();
        Shape at = convShape;
        if (oh >= 2 && rng.Next(2) == 0)
        {
            var pool = new Window2d(2, 2, 2, 2, 0, 0, 0, 0);
            var (ph, pw) = pool.OutputSize(oh, ow, "test");
            var pooled = new Shape(oc, ph, pw);
            ops.Add(new AvgPoolOp(at, pool, false, pooled));
            at = pooled;
        }
        if (rng.Next(2) == 0)
        {
            ops.Add(new ScaleOp(at, TestGraphs.Vector(rng, at.Channels, 0.5f, 1.5f)));
        }
        var flat = new Shape(at.Size);
        ops.Add(new ReshapeOp(at, flat));
        int hidden = 4 + rng.Next(8);
        ops.Add(new DenseOp(flat, TestGraphs.Random(rng, 0.5f, hidden, flat.Size)));
        layers.Add(new NeuronLayer("hidden", new Shape(hidden), Neuron(), [new Projection(0, ops)], TestGraphs.Vector(rng, hidden, -0.1f,
            0.1f)));
        int classes = 3 + rng.Next(4);
        var outShape = new Shape(classes);
        var readout = new List<Projection> { new(1, [new DenseOp(new Shape(hidden), TestGraphs.Random(rng, 0.5f, classes, hidden))]) };
        if (rng.Next(2) == 0)
        {
            readout.Add(new Projection(0, [new ReshapeOp(convShape, new Shape(convShape.Size)),
                new DenseOp(new Shape(convShape.Size), TestGraphs.Random(rng, 0.2f, classes, convShape.Size))]));
        }
        float[] outBias = TestGraphs.Vector(rng, classes, -0.1f, 0.1f);
        layers.Add(rng.Next(2) == 0
            ? new ReadoutLayer("out", outShape, readout, outBias)
            : new NeuronLayer("out", outShape, Neuron(), readout, outBias));
        return new SpikingNetwork($"random-{seed}", input, layers);
    }

    [Theory]
    [InlineData("mlp_if.nir", 4, 3)]
    [InlineData("cnn_if.nir", 2 * 8 * 8, 10)]
    public void ReferenceSamplesImportAndSimulateOnEveryBackend(string file, int inputs, int outputs)
    {
        SpikingNetwork net = NirImporter.Import(NirFile.Read(Fixture(file)), Path.GetFileNameWithoutExtension(file));
        Assert.Equal(inputs, net.InputShape.Size);
        Assert.Equal(outputs, net.Output.Shape.Size);
        Assert.All(net.Layers, l => Assert.IsType<NeuronLayer>(l));
        const int count = 8;
        float[] x = TestGraphs.Inputs(new Random(1), count, inputs);
        SimulationResult[] results = [.. Simulators.RateCoded.Select(b => Simulate(b, net, x, count, 50))];
        Assert.True(results[0].LayerSpikes.Sum() > 0, "the sample network never fires");
        foreach (SimulationResult r in results[1..])
        {
            Assert.Equal(results[0].NeuronSpikes, r.NeuronSpikes);
            Assert.Equal(results[0].Predictions, r.Predictions);
        }
        // And it goes on: NIR → .snn → NIR → .snn keeps the spikes.
        SameSpikes(net, RoundTrip(net));
    }

    [Fact]
    public void MlpSampleSimulatesAsTheIfEquationsSay()
    {
        // Closed form of mlp_if: if1 (θ = 1, r = 1) and if2 (θ = 0.5) reset to 0 when v crosses; input constant current.
        NirGraph g = NirFile.Read(Fixture("mlp_if.nir"));
        SpikingNetwork net = NirImporter.Import(g, "mlp");
        float[] w1 = g.Nodes["fc1"].Fields["weight"].ToSingles(), b1 = g.Nodes["fc1"].Fields["bias"].ToSingles();
        float[] w2 = g.Nodes["fc2"].Fields["weight"].ToSingles(), b2 = g.Nodes["fc2"].Fields["bias"].ToSingles();
        float[] x = [0.2f, 0.9f, 0.4f, 0.7f];
        const int steps = 40;
        var v1 = new float[8];
        var v2 = new float[3];
        var counts = new long[3];
        for (int t = 0; t < steps; t++)
        {
            var s1 = new float[8];
            for (int i = 0; i < 8; i++)
            {
                float cur = b1[i];
                for (int j = 0; j < 4; j++) cur += w1[i * 4 + j] * x[j];
                v1[i] += cur;
                if (v1[i] >= 1f) { s1[i] = 1; v1[i] = 0; }
            }
            for (int i = 0; i < 3; i++)
            {
                float cur = b2[i];
                for (int j = 0; j < 8; j++) cur += w2[i * 8 + j] * s1[j];
                v2[i] += cur;
                if (v2[i] >= 0.5f) { counts[i]++; v2[i] = 0; }
            }
        }
        SimulationResult r = Simulate("dense", net, x, 1, steps);
        Assert.Equal(counts, r.NeuronSpikes[^1]);
    }
}
