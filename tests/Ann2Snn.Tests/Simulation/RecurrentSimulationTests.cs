using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Simulation.Layered;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Simulation;

/// <summary>
/// Delayed synapses, recurrent edges and sequence presentation (issue 15): closed-form delays, causality, the backends
/// against each other, the ReLU RNN's conversion against the ANN, and what is refused.
/// </summary>
public class RecurrentSimulationTests
{
    private static ISimulator Create(string name) => name switch
    {
        "dense" => new DenseSimulator(),
        "layered" => new LayeredSimulator(),
        _ => new EventSimulator(),
    };

    /// <summary>
    /// A neuron that fires every step (input 1 per step, θ = 1, V(0) = 0) into a readout through one synapse of weight 1 delayed
    /// by d: the readout's potential after step t is the spikes of steps 0..t − d, i.e. max(0, t + 1 − d).
    /// </summary>
    [Theory]
    [InlineData("dense", 1)]
    [InlineData("dense", 3)]
    [InlineData("dense", 7)]
    [InlineData("event", 1)]
    [InlineData("event", 5)]
    [InlineData("layered", 1)]
    [InlineData("layered", 4)]
    public void ADelayedSpikeArrivesExactlyDStepsLater(string backend, int delay)
    {
        var one = new Shape(1);
        var net = new SpikingNetwork("delay", one,
        [
            new NeuronLayer("src", one, NeuronParameters.IntegrateAndFire(1f, initialFraction: 0f),
                [new Projection(-1, [new ScaleOp(one, [1f])])], [0f]),
            new ReadoutLayer("out", one, [new Projection(0, [new ScaleOp(one, [1f])]) { Delay = delay }], [0f]),
        ]);
        var probe = new NeuronProbe("out", 0);
        SimulationResult r = Create(backend).Run(net, [new DataBatch([1f], [0], 1)],
            new SimulationOptions { Timesteps = 16, Probes = [probe] });
        float[] expected = [.. Enumerable.Range(0, 16).Select(t => (float)Math.Max(0, t + 1 - delay))];
        Assert.Equal(expected, r.Traces[probe]);
    }

    /// <summary>
    /// Causality: changing sequence element k changes the hidden layer's recurrent input (a population that reads the hidden layer
    /// only through its one-window delay) nothing before window k + 1, and something from there on; a readout reading the hidden
    /// layer without delay sees nothing change before window k.
    /// </summary>
    [Theory]
    [InlineData("dense", 1)]
    [InlineData("dense", 3)]
    [InlineData("event", 2)]
    [InlineData("layered", 2)]
    public void ChangingElementKChangesTheRecurrentInputOnlyFromWindowKPlusOne(string backend, int k)
    {
        const int L = 5, W = 8, F = 3, H = 4;
        SpikingNetwork net = Echo(L, W, F, H, seed: 3);
        float[] x = RandomSequence(new Random(5), L * F);
        float[] changed = (float[])x.Clone();
        for (int f = 0; f < F; f++) changed[k * F + f] += 0.75f;
        NeuronProbe[] echo = [.. Enumerable.Range(0, H).Select(j => new NeuronProbe("echo", j))];
        NeuronProbe[] output = [.. Enumerable.Range(0, 2).Select(j => new NeuronProbe("out", j))];
        var options = new SimulationOptions { Timesteps = L * W, Probes = [.. echo, .. output] };
        SimulationResult a = Create(backend).Run(net, [new DataBatch(x, [0], 1)], options);
        SimulationResult b = Create(backend).Run(net, [new DataBatch(changed, [0], 1)], options);
        foreach (NeuronProbe p in echo)
        {
            Assert.Equal(a.Traces[p].AsSpan(0, (k + 1) * W).ToArray(), b.Traces[p].AsSpan(0, (k + 1) * W).ToArray());
        }
        Assert.Contains(echo, p => !a.Traces[p].AsSpan((k + 1) * W).SequenceEqual(b.Traces[p].AsSpan((k + 1) * W)));
        foreach (NeuronProbe p in output)
        {
            Assert.Equal(a.Traces[p].AsSpan(0, k * W).ToArray(), b.Traces[p].AsSpan(0, k * W).ToArray());
        }
    }

    /// <summary>
    /// The dense, event and layered backends give the same spikes, potentials and predictions on recurrent sequence networks whose
    /// sums are exact in float (weights multiples of 1/16), for every window start, analog and Poisson input.
    /// </summary>
    [Theory]
    [InlineData(1, WindowStart.Residue, InputEncoding.Analog)]
    [InlineData(2, WindowStart.Rest, InputEncoding.Analog)]
    [InlineData(3, WindowStart.Carry, InputEncoding.Poisson)]
    [InlineData(4, WindowStart.Residue, InputEncoding.Poisson)]
    [InlineData(5, WindowStart.Residue, InputEncoding.Analog, 3)]
    [InlineData(6, WindowStart.Carry, InputEncoding.Poisson, 4)]
    public void DenseAndEventBackendsAgreeOnRecurrentSequenceNetworks(int seed, WindowStart start, InputEncoding input, int burst = 1)
    {
        const int L = 6, W = 5, F = 4, H = 7;
        SpikingNetwork net = Rnn(L, W, F, H, seed, start, burst);
        var rng = new Random(seed + 100);
        const int images = 9;
        float[] x = RandomSequence(rng, images * L * F);
        int[] labels = [.. Enumerable.Range(0, images).Select(i => i % 3)];
        var options = new SimulationOptions
        {
            Timesteps = L * W,
            Input = input,
            KeepOutputs = true,
            ChunkSize = 4,
            MaxDegreeOfParallelism = 2,
            Probes = [new NeuronProbe("hidden", 2), new NeuronProbe("out", 1)],
        };
        SimulationResult dense = new DenseSimulator().Run(net, [new DataBatch(x, labels, images)], options);
        Assert.True(dense.LayerSpikes[0] > 0, "the hidden layer never fired");
        if (burst > 1)
        {
            SimulationResult single = new DenseSimulator().Run(Rnn(L, W, F, H, seed, start), [new DataBatch(x, labels, images)], options);
            Assert.True(dense.LayerSpikes[0] > single.LayerSpikes[0], "no neuron ever fired a burst");
        }
        foreach (string backend in new[] { "event", "layered" })
        {
            SimulationResult other = Create(backend).Run(net, [new DataBatch(x, labels, images)], options);
            Assert.Equal(dense.CorrectAt, other.CorrectAt);
            Assert.Equal(dense.LayerSpikes, other.LayerSpikes);
            Assert.Equal(dense.NeuronSpikes[0], other.NeuronSpikes[0]);
            Assert.Equal(dense.Predictions, other.Predictions);
            for (int i = 0; i < images; i++) Assert.Equal(dense.Outputs[i], other.Outputs[i]);
            foreach (var (probe, trace) in dense.Traces) Assert.Equal(trace, other.Traces[probe]);
        }
    }

    /// <summary>
    /// The readout of the last element's state integrates during the last window only: before it, its potential stays at 0,
    /// and its output estimate is the potential over the W steps it ran.
    /// </summary>
    [Fact]
    public void TheLastStatesReadoutRunsInTheLastWindowOnly()
    {
        const int L = 4, W = 6, F = 3, H = 5;
        SpikingNetwork net = Rnn(L, W, F, H, seed: 9, WindowStart.Residue);
        var probe = new NeuronProbe("out", 0);
        SimulationResult r = new DenseSimulator().Run(net, [new DataBatch(RandomSequence(new Random(1), L * F), [0], 1)],
            new SimulationOptions { Timesteps = L * W, Probes = [probe], KeepOutputs = true });
        Assert.All(r.Traces[probe].Take((L - 1) * W), v => Assert.Equal(0f, v));
        Assert.Equal(r.Traces[probe][^1] / W, r.Outputs[0][0], 6);
    }

    /// <summary>
    /// A ReLU RNN converted with a long window per element tracks the ANN: the SNN's output estimate (readout potential over the
    /// last window) is close to the ANN's logits and picks the same class, for random RNNs (property test over seeds).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AConvertedReluRnnTracksTheAnnAsTheWindowGrows(int seed)
    {
        const int L = 5, F = 3, H = 6, images = 48;
        ModelGraph graph = RnnGraph(L, F, H, seed);
        var rng = new Random(seed);
        float[] x = [.. Enumerable.Range(0, images * L * F).Select(_ => (float)rng.NextDouble())];
        var data = new ArrayDataset(x, new int[images], new Shape(L, F));
        float[] logits = new AnnExecutor(graph).Forward(x, images);
        ConversionResult converted = ConversionPipeline.Run(graph, data,
            new ConversionOptions { SequenceWindow = 1024, Normalization = NormalizationKind.Max });
        SequencePresentation sequence = SequencePresentation.Read(converted.Network)!;
        Assert.Equal((L, 1024), (sequence.Length, sequence.Window));
        Assert.Contains(converted.Network.Layers, l => SpikingNetwork.ProjectionsOf(l).Any(p => p.Delay == 1024));
        SimulationResult snn = new DenseSimulator().Run(converted.Network, [new DataBatch(x, new int[images], images)],
            new SimulationOptions { Timesteps = L * 1024, KeepOutputs = true });
        float scale = logits.Max(MathF.Abs);
        int agree = 0;
        for (int b = 0; b < images; b++)
        {
            float[] ann = logits[(b * 2)..(b * 2 + 2)];
            for (int k = 0; k < 2; k++) Assert.True(MathF.Abs(snn.Outputs[b][k] - ann[k]) < 0.05f * scale,
                $"image {b}, logit {k}: SNN {snn.Outputs[b][k]}, ANN {ann[k]}");
            agree += (snn.Outputs[b][0] > snn.Outputs[b][1]) == (ann[0] > ann[1]) ? 1 : 0;
        }
        Assert.True(agree >= images - 2, $"{agree}/{images} images agree");
    }

    /// <summary>
    /// The recurrent population resolves at least 256 levels per element by default (graded spikes of up to B a step, the least
    /// B with W·B ≥ 256), and only it: the readout keeps the network's burst; an explicit burst wins. With channel-wise
    /// normalization each hidden unit gets its own λ, from that unit's states over every element (percentile 100: its maximum).
    /// </summary>
    [Theory]
    [InlineData(16, null, 16)]
    [InlineData(32, null, 8)]
    [InlineData(64, null, 4)]
    [InlineData(100, null, 3)]
    [InlineData(300, null, 1)]
    [InlineData(32, 1, 1)]
    [InlineData(32, 3, 3)]
    public void TheRecurrentPopulationGetsGradedSpikesForItsLevelsAndALambdaPerHiddenUnit(int window, int? explicitBurst, int burst)
    {
        const int L = 4, F = 3, H = 5, images = 64;
        ModelGraph graph = RnnGraph(L, F, H, seed: window);
        var rng = new Random(window);
        float[] x = [.. Enumerable.Range(0, images * L * F).Select(_ => (float)rng.NextDouble())];
        var data = new ArrayDataset(x, new int[images], new Shape(L, F));
        var options = new ConversionOptions
        {
            SequenceWindow = window,
            Normalization = NormalizationKind.ChannelWise,
            Percentile = 100,
            RecurrentBurst = explicitBurst,
        };
        ConversionResult converted = ConversionPipeline.Run(graph, data, options);
        NeuronLayer hidden = converted.Network.Layers.OfType<NeuronLayer>().Single();
        Assert.Equal(burst, hidden.Neuron.BurstLimit);
        Assert.True(explicitBurst is not null || (window * burst >= ConversionOptions.RecurrentLevels
            && (burst == 1 || window * (burst - 1) < ConversionOptions.RecurrentLevels)));
        // Each unit's λ is the largest state it takes over all elements of the calibration sequences.
        AnnActivations acts = new AnnExecutor(graph).ForwardAll(x, images);
        ReadOnlySpan<float> states = acts.Of(graph.Nodes.OfType<RecurrentNode>().Single());
        float[] expected = new float[H];
        for (int i = 0; i < states.Length; i++) expected[i % H] = MathF.Max(expected[i % H], states[i]);
        ConvertedLayer log = converted.Layers.Single(l => l.Kind == "neurons");
        // A spike stands for λ/(s·Δt), s = the rate fraction times B spikes a step.
        float[] lambda = [.. log.SpikeValue.Select(v => v * options.EffectiveRateFraction * burst * options.Dt)];
        Assert.Equal(H, lambda.Length);
        for (int u = 0; u < H; u++)
        {
            if (expected[u] > 0) Assert.True(MathF.Abs(lambda[u] - expected[u]) <= 0.02f * expected[u],
                $"unit {u}: λ {lambda[u]}, largest state {expected[u]}");
        }
        Assert.True(lambda.Distinct().Count() > 1, "every hidden unit got the same λ");
    }

    [Fact]
    public void GradedRecurrentSpikesThatTheNeuronsCannotEmitAreRefusedNamingTheOption()
    {
        var e = Assert.Throws<InvalidOptionException>(() =>
            new ConversionOptions { SequenceWindow = 32, RecurrentBurst = 2, Reset = ResetMode.ToZero }.Validate());
        Assert.Contains("recurrent-burst", e.Message);
        Assert.Throws<InvalidOptionException>(() => new ConversionOptions { SequenceWindow = 32, RecurrentBurst = 0 }.Validate());
        // Automatic: the neurons that cannot burst keep one spike a step.
        Assert.Equal(1, new ConversionOptions { SequenceWindow = 32, Reset = ResetMode.ToZero }.RecurrentBurstFor(32));
    }

    [Fact]
    public void ASequenceNetworkRoundTripsThroughTheSnnFileAndChangesItsWindow()
    {
        SpikingNetwork net = Rnn(4, 6, 3, 5, seed: 2, WindowStart.Rest);
        string path = Path.Combine(Path.GetTempPath(), $"rnn-{Guid.NewGuid():N}.snn");
        try
        {
            SnnFile.Save(net, path);
            SpikingNetwork loaded = SnnFile.Load(path);
            Assert.Equal(3, SnnFile.VersionOf(loaded));
            Assert.Equal(SequencePresentation.Read(net), SequencePresentation.Read(loaded));
            Assert.Equal(6, SpikingNetwork.ProjectionsOf(loaded.Layers[0]).Single(p => p.Source == 0).Delay);
            SpikingNetwork wider = SequencePresentation.WithWindow(loaded, 10);
            Assert.Equal(10, SequencePresentation.Read(wider)!.Window);
            Assert.Equal(WindowStart.Rest, SequencePresentation.Read(wider)!.Start);
            Assert.Equal(10, SpikingNetwork.ProjectionsOf(wider.Layers[0]).Single(p => p.Source == 0).Delay);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ARunOfAnotherLengthThanTheSequencesIsRefusedNamingTheSteps()
    {
        SpikingNetwork net = Rnn(4, 6, 3, 5, seed: 2, WindowStart.Residue);
        var e = Assert.Throws<InvalidOptionException>(() => new DenseSimulator().Run(net,
            [new DataBatch(new float[12], [0], 1)], new SimulationOptions { Timesteps = 6 }));
        Assert.Contains("4 sequence elements for 6 steps each: a run is 24 steps, not 6", e.Message);
    }

    [Fact]
    public void TheTtfsBackendRefusesRecurrentNetworksAndTheLayeredOneALaterSourceWithTheReason()
    {
        SpikingNetwork net = Rnn(4, 6, 3, 5, seed: 2, WindowStart.Residue);
        DataBatch[] data = [new DataBatch(new float[12], [0], 1)];
        var one = new Shape(1);
        NeuronParameters neuron = NeuronParameters.IntegrateAndFire();
        var backward = new SpikingNetwork("backward", one,
        [
            new NeuronLayer("a", one, neuron, [new Projection(-1, [new ScaleOp(one, [1f])]), new Projection(1, [new ScaleOp(one, [1f])])
            {
                Delay = 2,
            }], [0f]),
            new NeuronLayer("b", one, neuron, [new Projection(0, [new ScaleOp(one, [1f])])], [0f]),
            new ReadoutLayer("out", one, [new Projection(1, [new ScaleOp(one, [1f])])], [0f]),
        ]);
        var layered = Assert.Throws<InvalidOptionException>(() => new LayeredSimulator().Run(backward, [new DataBatch([1f], [0], 1)],
            new SimulationOptions { Timesteps = 8 }));
        Assert.Contains("layer 'a' of network 'backward' reads the later layer 'b'", layered.Message);
        SimulationResult dense = new DenseSimulator().Run(backward, [new DataBatch([1f], [0], 1)], new SimulationOptions { Timesteps = 8 });
        Assert.True(dense.LayerSpikes[1] > 0);
        var ttfs = Assert.Throws<InvalidOptionException>(() => new TtfsSimulator().Run(net, data,
            new SimulationOptions { Timesteps = 24, Input = InputEncoding.Ttfs }));
        Assert.Contains("is recurrent", ttfs.Message);
    }

    [Fact]
    public void ANonReluOrBidirectionalRnnIsRefusedByThePreflightWithTheReason()
    {
        var input = new InputNode("x", new Shape(3, 2));
        var tanh = new RecurrentNode("rnn", input, RecurrentCell.Rnn, RecurrentDirection.Forward,
            new FloatTensor([1, 2, 2], [1, 0, 0, 1]), new FloatTensor([1, 2, 2], [1, 0, 0, 1]));
        var graph = new ModelGraph(input, new GatherNode("last", tanh, [4, 5], new Shape(2), "Gather"), "tanh");
        var e = Assert.Throws<UnsupportedOperatorException>(() => Converter.Prepare(graph, out _));
        Assert.Contains("IF neurons approximate ReLU", e.Message);
        var both = new RecurrentNode("rnn", input, RecurrentCell.Rnn, RecurrentDirection.Bidirectional,
            new FloatTensor([2, 2, 2], new float[8]), new FloatTensor([2, 2, 2], new float[8]),
            activations: [RecurrentActivation.Relu, RecurrentActivation.Relu]);
        var bidirectional = new ModelGraph(input, new GatherNode("last", both, [8, 9], new Shape(2), "Gather"), "both");
        e = Assert.Throws<UnsupportedOperatorException>(() => Converter.Prepare(bidirectional, out _));
        Assert.Contains("one element after the other", e.Message);
    }

    /// <summary>
    /// A ReLU RNN over [L, F] (hidden H), the last state into two logits; weights uniform in ±0.6, the recurrent matrix near the
    /// identity (an IRNN, as the zoo's).
    /// </summary>
    private static ModelGraph RnnGraph(int length, int features, int hidden, int seed)
    {
        var rng = new Random(seed);
        float U(float a) => (float)((rng.NextDouble() * 2 - 1) * a);
        var input = new InputNode("x", new Shape(length, features));
        float[] w = [.. Enumerable.Range(0, hidden * features).Select(_ => U(0.6f))];
        float[] r = [.. Enumerable.Range(0, hidden * hidden).Select(i => (i / hidden == i % hidden ? 0.8f : 0f) + U(0.15f))];
        float[] b = [.. Enumerable.Range(0, 2 * hidden).Select(_ => U(0.1f))];
        var rnn = new RecurrentNode("rnn", input, RecurrentCell.Rnn, RecurrentDirection.Forward, new FloatTensor([1, hidden, features], w),
            new FloatTensor([1, hidden, hidden], r), b, activations: [RecurrentActivation.Relu]);
        int[] last = [.. Enumerable.Range((length - 1) * hidden, hidden)];
        var state = new GatherNode("last", rnn, last, new Shape(hidden), "Gather");
        float[] fc = [.. Enumerable.Range(0, 2 * hidden).Select(_ => U(1f))];
        return new ModelGraph(input, new DenseNode("fc", state, new FloatTensor([2, hidden], fc), [U(0.2f), U(0.2f)]), "rnn");
    }

    /// <summary>
    /// A hand-built recurrent sequence network with exact sums: hidden [H] charged by the element (dense weights, multiples of
    /// 1/16) and by its own spikes one window back, a readout of the last window with 3 classes.
    /// </summary>
    private static SpikingNetwork Rnn(int length, int window, int features, int hidden, int seed, WindowStart start, int burst = 1)
    {
        var rng = new Random(seed);
        Shape f = new(features), h = new(hidden), o = new(3);
        // With bursts a lower threshold (still exact in binary) so that neurons do fire several spikes a step.
        NeuronParameters neuron = NeuronParameters.IntegrateAndFire(burst > 1 ? 0.25f : 1f, initialFraction: 0.5f)
            with
        { BurstLimit = burst };
        var layers = new SpikingLayer[]
        {
            new NeuronLayer("hidden", h, neuron,
            [
                new Projection(-1, [new DenseOp(f, Exact(rng, hidden, features, 8))]),
                new Projection(0, [new DenseOp(h, Exact(rng, hidden, hidden, 6))]) { Delay = window },
            ], [.. Enumerable.Range(0, hidden).Select(_ => rng.Next(-1, 3) / 16f)]),
            new ReadoutLayer("out", o, [new Projection(0, [new DenseOp(h, Exact(rng, 3, hidden, 8))])], [1 / 16f, 0f, -1 / 16f]),
        };
        var net = new SpikingNetwork("rnn", f, layers);
        return new SequencePresentation(length, window, 1) { Start = start }.WriteTo(net);
    }

    /// <summary>
    /// Hidden [H] charged by the element and its own spikes one window back; "echo" reads the hidden layer only through that
    /// delay (its potential is the hidden layer's recurrent input); a readout reads the hidden layer without delay.
    /// </summary>
    private static SpikingNetwork Echo(int length, int window, int features, int hidden, int seed)
    {
        var rng = new Random(seed);
        Shape f = new(features), h = new(hidden), o = new(2);
        FloatTensor r = Exact(rng, hidden, hidden, 6);
        NeuronParameters neuron = NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f);
        // The echo never fires (a threshold it cannot reach), so its membrane sums what it receives.
        NeuronParameters silent = NeuronParameters.IntegrateAndFire(1e6f, initialFraction: 0f);
        var layers = new SpikingLayer[]
        {
            new NeuronLayer("hidden", h, neuron,
            [
                new Projection(-1, [new DenseOp(f, Exact(rng, hidden, features, 12))]),
                new Projection(0, [new DenseOp(h, r)]) { Delay = window },
            ], new float[hidden]),
            new NeuronLayer("echo", h, silent, [new Projection(0, [new DenseOp(h, r)]) { Delay = window }], new float[hidden]),
            new ReadoutLayer("out", o, [new Projection(0, [new DenseOp(h, Exact(rng, 2, hidden, 8))])], new float[2]),
        };
        return new SequencePresentation(length, window, 3) { Start = WindowStart.Carry }
            .WriteTo(new SpikingNetwork("echo", f, layers));
    }

    /// <summary>Weights k/16 with k uniform in [−range, range].</summary>
    private static FloatTensor Exact(Random rng, int rows, int columns, int range) =>
        new([rows, columns], [.. Enumerable.Range(0, rows * columns).Select(_ => rng.Next(-range, range + 1) / 16f)]);

    /// <summary>Inputs k/16 in [0, 1].</summary>
    private static float[] RandomSequence(Random rng, int count) => [.. Enumerable.Range(0, count).Select(_ => rng.Next(0, 17) / 16f)];
}
