using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Simulation.Layered;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Simulation;

/// <summary>
/// One suite, run against every simulator backend (one subclass each): the backend must reproduce the dense
/// backend — bit for bit on a network whose sums are exact, up to float summation order on converted networks —
/// under every option, and be deterministic.
/// </summary>
public abstract class SimulatorConformanceTests
{
    private static readonly ISimulator Reference = new DenseSimulator();

    protected abstract ISimulator CreateSimulator();

    /// <summary>Whether the backend runs operator layers (<see cref="OperatorLayer"/>); one that does not must refuse them.</summary>
    protected virtual bool RunsOperators => true;

    private static SimulationResult Run(ISimulator simulator, SpikingNetwork net, float[] x, int count, SimulationOptions options,
        int batches = 1)
    {
        var labels = Enumerable.Range(0, count).Select(i => i % net.Output.Shape.Size).ToArray();
        int size = net.InputShape.Size, per = (count + batches - 1) / batches;
        var data = Enumerable.Range(0, batches).Select(b =>
        {
            int start = b * per, n = Math.Min(per, count - start);
            return new DataBatch(x[(start * size)..((start + n) * size)], labels[start..(start + n)], n);
        }).ToArray();
        return simulator.Run(net, data, options with { KeepOutputs = true });
    }

    // ---- Bit-exact agreement on the exact network -------------------------------------------------------------

    public static TheoryData<string> Variants =>
    [
        "analog", "unprobed", "poisson", "bias-neuron", "exponential", "lif-refractory", "to-zero", "gate", "spike-count", "chunks",
        "signed", "signed-gate", "signed-count", "burst2", "burst4", "burst2-gate", "burst4-count", "burst3-poisson", "burst2-unprobed",
        "burst4-bias-neuron", "burst2-exponential", "leaky", "leaky-gate", "leaky-count", "leaky-poisson", "tokens", "tokens-poisson",
        "tokens-unprobed", "tokens-signed", "tokens-burst2"
    ];

    private static (SpikingNetwork Net, SimulationOptions Options) ExactCase(string variant)
    {
        NeuronParameters neuron = NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f);
        var options = new SimulationOptions
        {
            Timesteps = 40,
            ChunkSize = 8,
            MaxDegreeOfParallelism = 2,
            Probes = [new NeuronProbe("a", 77), new NeuronProbe("pool", 5), new NeuronProbe("fc", 3), new NeuronProbe("out", 1)],
        };
        MaxPoolScheme pool = MaxPoolScheme.WinnerTakeAll;
        bool spiking = false, leaky = false, tokens = variant.StartsWith("tokens", StringComparison.Ordinal);
        // "tokens-X": variant X with a layer over tokens (dense synapses over tokens and selections) added.
        if (tokens) variant = variant == "tokens" ? "analog" : variant["tokens-".Length..];
        switch (variant)
        {
            case "poisson": options = options with { Input = InputEncoding.Poisson, PoissonMaxRate = 0.5f, Seed = 42 }; break;
            case "bias-neuron": options = options with { Bias = BiasMode.Neuron, BiasNeuronRate = 0.25f }; break;
            case "exponential": options = options with { Synapse = SynapseModel.Exponential, TauSyn = 3f }; break;
            case "lif-refractory":
                neuron = NeuronParameters.LeakyIntegrateAndFire(8f, 1f, resistance: 4f) with { RefractorySteps = 2 }; break;
            case "to-zero": neuron = NeuronParameters.IntegrateAndFire(1f, ResetMode.ToZero); break;
            case "gate": pool = MaxPoolScheme.Gate; break;
            case "spike-count": spiking = true; break;
            case "chunks": options = options with { ChunkSize = 3, MaxDegreeOfParallelism = 1 }; break;
            // no membrane is observed: backends may skip neurons that cannot fire
            case "unprobed": options = options with { Probes = [] }; break;
        }
        if (variant.StartsWith("signed", StringComparison.Ordinal))
        {
            neuron = neuron with { SignedSpikes = true };
            pool = variant == "signed-gate" ? MaxPoolScheme.Gate : pool;
            spiking = variant == "signed-count";
        }
        if (variant.StartsWith("leaky", StringComparison.Ordinal))
        {
            neuron = neuron with { SignedSpikes = true };
            leaky = true;
            pool = variant == "leaky-gate" ? MaxPoolScheme.Gate : pool;
            spiking = variant == "leaky-count";
            if (variant == "leaky-poisson") options = options with { Input = InputEncoding.Poisson, PoissonMaxRate = 0.5f, Seed = 42 };
        }
        if (variant.StartsWith("burst", StringComparison.Ordinal))
        {
            // θ = 1/4 (sums stay exact): currents reach several thresholds, so neurons burst.
            neuron = NeuronParameters.IntegrateAndFire(0.25f, initialFraction: 0.5f) with { BurstLimit = variant[5] - '0' };
            string rest = variant[6..];
            pool = rest == "-gate" ? MaxPoolScheme.Gate : pool;
            spiking = rest == "-count";
            options = rest switch
            {
                "-poisson" => options with { Input = InputEncoding.Poisson, PoissonMaxRate = 0.5f, Seed = 42 },
                "-unprobed" => options with { Probes = [] },
                "-bias-neuron" => options with { Bias = BiasMode.Neuron, BiasNeuronRate = 0.25f },
                "-exponential" => options with { Synapse = SynapseModel.Exponential, TauSyn = 3f },
                _ => options,
            };
        }
        return (ExactNetwork.Build(neuron, pool, spiking, leaky: leaky, tokens: tokens), options);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ExactNetworkMatchesTheReferenceBitForBit(string variant)
    {
        var (net, options) = ExactCase(variant);
        const int count = 20;
        float[] x = ExactNetwork.Inputs(count);
        SimulationResult expected = Run(Reference, net, x, count, options);
        SimulationResult actual = Run(CreateSimulator(), net, x, count, options);

        // The network is a meaningful test only if every layer is active.
        for (int l = 0; l < net.Layers.Count; l++)
        {
            if (net.Layers[l] is not ReadoutLayer) Assert.True(expected.LayerSpikes[l] > 0, $"layer '{net.Layers[l].Name}' never fired");
        }
        if (options.Input == InputEncoding.Poisson) Assert.True(expected.InputSpikes > 0);
        if (variant.StartsWith("signed", StringComparison.Ordinal)) AssertSomeSpikesTakenBack(net, expected);
        if (variant.StartsWith("burst", StringComparison.Ordinal)) AssertSomeBursts(net, expected, options.Timesteps);
        if (variant.StartsWith("leaky", StringComparison.Ordinal)) AssertSomeNegativeCounts(net, expected);
        AssertIdentical(expected, actual);
        Assert.Equal(count, actual.StableFrom.Count);
        Assert.All(actual.StableFrom, s => Assert.InRange(s, 1, options.Timesteps));
    }

    // ---- Spike-equivalent operators ---------------------------------------------------------------------------

    [Theory]
    [InlineData(OperatorEvaluation.Exact, InputEncoding.Analog)]
    [InlineData(OperatorEvaluation.Incremental, InputEncoding.Analog)]
    [InlineData(OperatorEvaluation.Exact, InputEncoding.Poisson)]
    public void AttentionBlockMatchesTheReference(OperatorEvaluation mode, InputEncoding input)
    {
        const int count = 6;
        float[] x = AttentionBlock.Images(count, 31);
        SpikingNetwork net = new AttentionBlock(3).Spiking(x, count);
        var options = new SimulationOptions
        {
            Timesteps = 40,
            ChunkSize = 4,
            MaxDegreeOfParallelism = 2,
            Operators = mode,
            Input = input,
            PoissonMaxRate = 0.5f,
            Seed = 3,
            Probes = [new NeuronProbe("s", 5), new NeuronProbe("softmax", 2)],
        };
        if (!RunsOperators)
        {
            var e = Assert.Throws<UnsupportedOperatorException>(() => Run(CreateSimulator(), net, x, count, options));
            Assert.StartsWith("spiking network 'attention': operator layer 'ln' (layernorm): the ", e.Message, StringComparison.Ordinal);
            return;
        }
        SimulationResult expected = Run(Reference, net, x, count, options);
        SimulationResult actual = Run(CreateSimulator(), net, x, count, options);
        // Operators read their sources densely and emit the same values in every backend, and populations they feed read
        // them through the same kernels; the populations between them read ±1 spikes through dense maps whose sums a fan-out
        // table takes in another order, which here moves no spike: every spike agrees, the readout's sums up to rounding.
        Assert.True(expected.OperatorMacs.Sum() > 0);
        Assert.Equal(expected.OperatorMacs, actual.OperatorMacs);
        Assert.Equal(expected.OperatorOutputs, actual.OperatorOutputs);
        AssertIdentical(expected, actual, outputTolerance: 1e-5f);
    }

    // ---- Agreement up to summation order on converted networks ------------------------------------------------

    public static TheoryData<string, string> ConvertedCases => new()
    {
        { "cnn", "analog" }, { "cnn", "poisson" }, { "cnn", "gate" }, { "cnn", "spike-count" },
        { "residual", "analog" }, { "residual", "bias-neuron" }, { "residual", "refractory" },
        { "zoo", "analog" }, { "zoo", "poisson" }, { "zoo", "gate" }, { "zoo", "exponential" },
        { "cnn", "signed" }, { "cnn", "signed-gate" }, { "cnn", "signed-count" }, { "residual", "signed" }, { "zoo", "signed" },
        { "zoo", "signed-gate" }, { "cnn", "burst" }, { "cnn", "burst-gate" }, { "cnn", "burst-count" }, { "residual", "burst" },
        { "zoo", "burst" }, { "zoo", "burst-poisson" }, { "leaky", "analog" }, { "leaky", "poisson" }, { "leaky", "gate" },
        { "leaky", "spike-count" }, { "leaky", "exponential" },
    };

    private static ModelGraph Graph(string name) => name switch
    {
        "cnn" => TestGraphs.SmallCnn(),
        "residual" => TestGraphs.ResidualMlp(),
        "leaky" => TestGraphs.LeakyCnn(),
        _ => TestGraphs.ConvZoo(),
    };

    private static SpikingNetwork Convert(ModelGraph graph, ConversionOptions options)
    {
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        const int calibration = 32;
        float[] calib = TestGraphs.Inputs(new Random(11), calibration, graph.Input.OutputShape.Size);
        return Converter.Convert(prepared, Calibration.Collect(prepared, [(calib, calibration)], calibration), options, applied).Network;
    }

    [Theory]
    [MemberData(nameof(ConvertedCases))]
    public void ConvertedNetworksAgreeWithTheReference(string graphName, string variant)
    {
        ModelGraph graph = Graph(graphName);
        var conversion = new ConversionOptions();
        var options = new SimulationOptions { Timesteps = 48, ChunkSize = 16, MaxDegreeOfParallelism = 2 };
        switch (variant)
        {
            case "poisson": options = options with { Input = InputEncoding.Poisson, Seed = 5 }; break;
            case "bias-neuron": options = options with { Bias = BiasMode.Neuron }; break;
            case "exponential": options = options with { Synapse = SynapseModel.Exponential }; break;
            case "refractory": conversion = conversion with { RefractorySteps = 1, Reset = ResetMode.ToZero }; break;
            case "gate": conversion = conversion with { MaxPool = MaxPoolScheme.Gate }; break;
            case "spike-count": conversion = conversion with { Readout = ReadoutKind.SpikeCount }; break;
            case "signed": conversion = conversion with { SignedSpikes = true }; break;
            case "signed-gate": conversion = conversion with { SignedSpikes = true, MaxPool = MaxPoolScheme.Gate }; break;
            case "signed-count": conversion = conversion with { SignedSpikes = true, Readout = ReadoutKind.SpikeCount }; break;
            case "burst": conversion = conversion with { Burst = 4 }; break;
            case "burst-gate": conversion = conversion with { Burst = 3, MaxPool = MaxPoolScheme.Gate }; break;
            case "burst-count": conversion = conversion with { Burst = 2, Readout = ReadoutKind.SpikeCount }; break;
            case "burst-poisson":
                conversion = conversion with { Burst = 2 };
                options = options with { Input = InputEncoding.Poisson, Seed = 5 };
                break;
        }
        SpikingNetwork net = Convert(graph, conversion);
        const int count = 40;
        float[] x = TestGraphs.Inputs(new Random(99), count, graph.Input.OutputShape.Size);
        SimulationResult expected = Run(Reference, net, x, count, options);
        SimulationResult actual = Run(CreateSimulator(), net, x, count, options);
        if (variant.StartsWith("signed", StringComparison.Ordinal)) AssertSomeSpikesTakenBack(net, expected);
        if (variant.StartsWith("burst", StringComparison.Ordinal)) AssertSomeBursts(net, expected, options.Timesteps);
        if (graphName == "leaky") AssertSomeNegativeCounts(net, expected);

        // Float sums are taken in another order, which can move a spike across a step boundary in a rare neuron.
        Assert.Equal(expected.InputSpikes, actual.InputSpikes);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            long e = expected.LayerSpikes[l], a = actual.LayerSpikes[l];
            Assert.True(Math.Abs(e - a) <= e / 1000, $"layer '{net.Layers[l].Name}': {a} spikes, reference {e}");
        }
        int disagree = expected.Predictions.Zip(actual.Predictions).Count(p => p.First != p.Second);
        Assert.True(disagree <= count / 1000, $"{disagree} of {count} predictions differ");
        double scale = expected.Outputs.SelectMany(o => o).Max(MathF.Abs) + 1e-3;
        double worst = expected.Outputs.Zip(actual.Outputs).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second)));
        Assert.True(worst <= 1e-3 * scale, $"outputs differ by up to {worst:g3} (scale {scale:g3})");
    }

    // ---- Determinism --------------------------------------------------------------------------------------------

    [Fact]
    public void SameSeedGivesIdenticalResultsAndAnotherSeedOtherSpikes()
    {
        SpikingNetwork net = Convert(TestGraphs.ConvZoo(), new ConversionOptions());
        const int count = 12;
        float[] x = TestGraphs.Inputs(new Random(3), count, net.InputShape.Size);
        var options = new SimulationOptions
        {
            Timesteps = 24,
            Input = InputEncoding.Poisson,
            Seed = 9,
            ChunkSize = 4,
            MaxDegreeOfParallelism = 2
        };
        ISimulator simulator = CreateSimulator();
        SimulationResult first = Run(simulator, net, x, count, options);
        SimulationResult second = Run(simulator, net, x, count, options);
        AssertIdentical(first, second);
        SimulationResult other = Run(simulator, net, x, count, options with { Seed = 10 });
        Assert.NotEqual(first.NeuronSpikes.SelectMany(s => s), other.NeuronSpikes.SelectMany(s => s));
    }

    [Fact]
    public void ASpikingOutputFedOnlyByTheInputKeepsItsMembranes()
    {
        // The output layer's membranes are read for scoring and outputs, even when its input never changes.
        Shape input = ExactNetwork.InputShape, output = new(5);
        var rng = new Random(3);
        float[] weight = Enumerable.Range(0, 5 * input.Size).Select(_ => (rng.Next(9) - 4) / 64f).ToArray();
        float[] bias = Enumerable.Range(0, 5).Select(_ => (rng.Next(9) - 4) / 16f).ToArray();
        var net = new SpikingNetwork("one", input,
        [
            new NeuronLayer("out", output, NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f),
                [new Projection(-1, [new ReshapeOp(input, new Shape(input.Size)),
                    new DenseOp(new Shape(input.Size), new FloatTensor([5, input.Size], weight))])], bias),
        ]);
        const int count = 12;
        float[] x = ExactNetwork.Inputs(count);
        var options = new SimulationOptions { Timesteps = 20 };
        SimulationResult expected = Run(Reference, net, x, count, options);
        SimulationResult actual = Run(CreateSimulator(), net, x, count, options);
        Assert.True(expected.LayerSpikes[0] > 0);
        Assert.Equal(expected.Predictions, actual.Predictions);
        Assert.Equal(expected.CorrectAt, actual.CorrectAt);
        for (int i = 0; i < count; i++) Assert.Equal(expected.Outputs[i], actual.Outputs[i]);
    }

    [Theory]
    [InlineData("analog")]
    [InlineData("poisson")]
    [InlineData("signed")]
    public void OneLongRunGivesTheAccuracyOfEveryShorterRun(string variant)
    {
        // Accuracy against T for every T ≤ 40 from one run: the first t steps of a run do not depend on its length.
        var (net, options) = ExactCase(variant);
        const int count = 20;
        float[] x = ExactNetwork.Inputs(count);
        ISimulator simulator = CreateSimulator();
        SimulationResult full = Run(simulator, net, x, count, options);
        foreach (int t in new[] { 1, 3, 8, 17, 39 })
        {
            SimulationResult shorter = Run(simulator, net, x, count, options with { Timesteps = t });
            Assert.Equal(shorter.CorrectAt, full.CorrectAt[..t]);
        }
    }

    [Fact]
    public void ThreadsChunksAndBatchesDoNotChangeResults()
    {
        SpikingNetwork net = Convert(TestGraphs.ConvZoo(), new ConversionOptions { MaxPool = MaxPoolScheme.Gate });
        const int count = 13;
        float[] x = TestGraphs.Inputs(new Random(4), count, net.InputShape.Size);
        var options = new SimulationOptions
        {
            Timesteps = 24,
            Input = InputEncoding.Poisson,
            Seed = 2,
            Probes = [new NeuronProbe("relu1", 20), new NeuronProbe("pool", 7)],
        };
        ISimulator simulator = CreateSimulator();
        SimulationResult one = Run(simulator, net, x, count, options with { MaxDegreeOfParallelism = 1, ChunkSize = 13 });
        SimulationResult two = Run(simulator, net, x, count, options with { MaxDegreeOfParallelism = 2, ChunkSize = 3 });
        SimulationResult split = Run(simulator, net, x, count, options with { MaxDegreeOfParallelism = 2, ChunkSize = 5 }, batches: 3);
        AssertIdentical(one, two);
        AssertIdentical(one, split);
    }

    // ---- Boundaries ---------------------------------------------------------------------------------------------

    [Fact]
    public void BadProbeAndShortBatchAreRefused()
    {
        SpikingNetwork net = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        float[] x = ExactNetwork.Inputs(2);
        var e = Assert.Throws<InvalidOptionException>(() => Run(CreateSimulator(), net, x, 2,
            new SimulationOptions { Timesteps = 2, Probes = [new NeuronProbe("a", 256)] }));
        Assert.Contains("probe", e.Message);
        Assert.Throws<InvalidDatasetException>(() => CreateSimulator().Run(net, [new DataBatch(x[..100], [0, 0], 2)],
            new SimulationOptions { Timesteps = 2 }));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteInputIsRefused(float bad)
    {
        SpikingNetwork net = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        float[] x = ExactNetwork.Inputs(2);
        int size = net.InputShape.Size;
        x[size + 3] = bad;
        var e = Assert.Throws<InvalidDatasetException>(() => Run(CreateSimulator(), net, x, 2, new SimulationOptions { Timesteps = 2 }));
        Assert.Contains($"sample 1 element 3 is {bad}", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void NonPositiveTimestepsAreRefused(int timesteps)
    {
        SpikingNetwork net = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        float[] x = ExactNetwork.Inputs(2);
        var e = Assert.Throws<InvalidOptionException>(
            () => Run(CreateSimulator(), net, x, 2, new SimulationOptions { Timesteps = timesteps }));
        Assert.Contains("'timesteps'", e.Message);
    }

    /// <summary>A signed case tests the −1 path only if some layer emitted more events than its net spike count.</summary>
    private static void AssertSomeSpikesTakenBack(SpikingNetwork net, SimulationResult result)
    {
        bool any = Enumerable.Range(0, net.Layers.Count)
            .Any(l => net.Layers[l] is not ReadoutLayer && result.LayerSpikes[l] > result.NeuronSpikes[l].Sum());
        Assert.True(any, "no layer emitted a −1 spike");
    }

    /// <summary>A case with negative branches tests them only if some neuron ended the run with a negative net count.</summary>
    private static void AssertSomeNegativeCounts(SpikingNetwork net, SimulationResult result)
    {
        Assert.Contains(net.Layers, l => l is NeuronLayer { NegativeGain: not null });
        bool any = Enumerable.Range(0, net.Layers.Count).Any(l => net.Layers[l] is NeuronLayer && result.NeuronSpikes[l].Any(c => c < 0));
        Assert.True(any, "no neuron's net count went below 0");
    }

    /// <summary>
    /// A burst case tests the k &gt; 1 paths only if some population's neuron spiked more often than there were steps; every
    /// burst layer's spikes (the synaptic events' factor) are the sum of its neurons' counts, a burst of k counting k.
    /// </summary>
    private static void AssertSomeBursts(SpikingNetwork net, SimulationResult result, int steps)
    {
        int[] populations = Enumerable.Range(0, net.Layers.Count).Where(l => net.Layers[l] is NeuronLayer).ToArray();
        Assert.Contains(populations, l => result.NeuronSpikes[l].Max() > (long)steps * result.Images);
        foreach (int l in populations) Assert.Equal(result.LayerSpikes[l], result.NeuronSpikes[l].Sum());
    }

    /// <summary>Everything equal bit for bit; the outputs to within <paramref name="outputTolerance"/> when it is not 0.</summary>
    private static void AssertIdentical(SimulationResult expected, SimulationResult actual, float outputTolerance = 0f)
    {
        Assert.Equal(expected.Images, actual.Images);
        Assert.Equal(expected.CorrectAt, actual.CorrectAt);
        Assert.Equal(expected.LayerSpikes, actual.LayerSpikes);
        Assert.Equal(expected.InputSpikes, actual.InputSpikes);
        for (int l = 0; l < expected.NeuronSpikes.Length; l++) Assert.Equal(expected.NeuronSpikes[l], actual.NeuronSpikes[l]);
        Assert.Equal(expected.Predictions, actual.Predictions);
        Assert.Equal(expected.StableFrom, actual.StableFrom);
        Assert.Equal(expected.Outputs.Count, actual.Outputs.Count);
        for (int b = 0; b < expected.Outputs.Count; b++)
        {
            if (outputTolerance == 0f) Assert.Equal(expected.Outputs[b], actual.Outputs[b]);
            else Assert.All(expected.Outputs[b].Zip(actual.Outputs[b]), p => Assert.Equal(p.First, p.Second, outputTolerance));
        }
        Assert.Equal(expected.Traces.Keys.OrderBy(k => k.Layer), actual.Traces.Keys.OrderBy(k => k.Layer));
        foreach (var (probe, trace) in expected.Traces) Assert.Equal(trace, actual.Traces[probe]);
    }
}

public sealed class DenseSimulatorConformanceTests : SimulatorConformanceTests
{
    protected override ISimulator CreateSimulator() => new DenseSimulator();
}

public sealed class EventSimulatorConformanceTests : SimulatorConformanceTests
{
    protected override ISimulator CreateSimulator() => new EventSimulator();
}

/// <summary>The event backend with no room for fan-out tables: every composite chain runs on the dense fallback.</summary>
public sealed class EventSimulatorFallbackConformanceTests : SimulatorConformanceTests
{
    protected override ISimulator CreateSimulator() => new EventSimulator(fanOutBudget: 0);
}

public sealed class LayeredSimulatorConformanceTests : SimulatorConformanceTests
{
    protected override ISimulator CreateSimulator() => new LayeredSimulator();

    protected override bool RunsOperators => false;
}
