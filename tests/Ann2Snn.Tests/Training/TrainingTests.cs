using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Simulation;
using Ann2Snn.Tests.TestUtil;
using Ann2Snn.Training;

namespace Ann2Snn.Tests.Training;

/// <summary>Finite differences of the non-spiking parts, learning a toy task, checkpoints and resume, refusals.</summary>
public sealed class TrainingTests
{
    /// <summary>
    /// Input [4] → 16 IF neurons → readout of 2, which also reads the input directly. The task: is x₀ &gt; x₁?
    /// </summary>
    private static SpikingNetwork Toy(int seed = 3)
    {
        var rng = new Random(seed);
        Shape input = new(4), hidden = new(16), output = new(2);
        return new SpikingNetwork("toy", input,
        [
            new NeuronLayer("h", hidden, NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f),
                [new Projection(-1, [new DenseOp(input, TestGraphs.Random(rng, 1.5f, 16, 4))])], TestGraphs.Vector(rng, 16, 0f, 0.3f)),
            new ReadoutLayer("out", output,
            [
                new Projection(0, [new DenseOp(hidden, TestGraphs.Random(rng, 0.5f, 2, 16))]),
                new Projection(-1, [new DenseOp(input, TestGraphs.Random(rng, 0.1f, 2, 4))]),
            ], [0f, 0f]),
        ]);
    }

    /// <summary>
    /// The toy over tokens: h [16] read as 4 tokens of 4, transposed (a selection), 4 → 3 per token, then 12 → 2; with
    /// <paramref name="expanded"/>, the same maps as a 0/1 matrix and a block-diagonal dense map.
    /// </summary>
    private static SpikingNetwork TokenToy(bool expanded = false)
    {
        SpikingNetwork toy = Toy();
        var rng = new Random(8);
        Shape tokens = new(4, 4);
        var select = new SelectOp(tokens, [.. Enumerable.Range(0, 16).Select(i => i % 4 * 4 + i / 4)], tokens);
        var dense = new TokenDenseOp(tokens, TestGraphs.Random(rng, 0.5f, 3, 4));
        SynapticOp[] chain = expanded
            ? [new ReshapeOp(new Shape(16), tokens), select.Expanded(), new DenseOp(new Shape(16), dense.Expanded().Weight),
                new DenseOp(new Shape(12), TestGraphs.Random(rng, 0.5f, 2, 12))]
            : [new ReshapeOp(new Shape(16), tokens), select, dense, new ReshapeOp(dense.OutputShape, new Shape(12)),
                new DenseOp(new Shape(12), TestGraphs.Random(rng, 0.5f, 2, 12))];
        var readout = (ReadoutLayer)toy.Layers[1];
        return new SpikingNetwork("token_toy", toy.InputShape,
            [toy.Layers[0], new ReadoutLayer("out", readout.Shape, [new Projection(0, chain), readout.Projections[1]], readout.Bias)]);
    }

    [Theory]
    [InlineData("out/p0.token_dense2/weight")]
    [InlineData("out/p0.dense4/weight")]
    public void GradientsThroughTokenDenseAndSelectionsMatchFiniteDifferencesAndTheirExpandedMatrices(string name)
    {
        var options = new TrainingOptions { Timesteps = 5, ChunkSize = 3 };
        var net = new TrainableNetwork(TokenToy(), options);
        var expanded = new TrainableNetwork(TokenToy(expanded: true), options);
        InMemoryData data = ToyData(10, 1);
        int p = net.Parameters.ToList().FindIndex(q => q.Name == name);
        Assert.True(p >= 0, name);
        net.Gradient(data.Images, data.Labels, data.Count);
        expanded.Gradient(data.Images, data.Labels, data.Count);
        // The hidden layer's gradient comes back through the selection's and the token dense map's input gradients.
        float[] hidden = net.Gradients[net.Parameters.ToList().FindIndex(q => q.Name == "h/p0.dense0/weight")];
        float[] hiddenExpanded = expanded.Gradients[expanded.Parameters.ToList().FindIndex(q => q.Name == "h/p0.dense0/weight")];
        Assert.Contains(hidden, g => MathF.Abs(g) > 1e-3f);
        for (int i = 0; i < hidden.Length; i++) Assert.Equal(hiddenExpanded[i], hidden[i], 4);
        AssertMatchesCentralDifferences(net, p, data);
    }

    /// <summary>
    /// The gradient of parameter p (already computed by <see cref="TrainableNetwork.Gradient"/>) against central differences.
    /// </summary>
    private static void AssertMatchesCentralDifferences(TrainableNetwork net, int p, InMemoryData data)
    {
        float[] analytic = (float[])net.Gradients[p].Clone();
        float[] values = net.Parameters[p].Values;
        Assert.Contains(analytic, g => MathF.Abs(g) > 1e-3f);
        const float h = 1e-2f;
        for (int i = 0; i < values.Length; i++)
        {
            float keep = values[i];
            values[i] = keep + h;
            double up = net.Evaluate(data.Images, data.Labels, data.Count).Loss / data.Count;
            values[i] = keep - h;
            double down = net.Evaluate(data.Images, data.Labels, data.Count).Loss / data.Count;
            values[i] = keep;
            Assert.Equal((up - down) / (2 * h), analytic[i], 3);
        }
    }

    private static InMemoryData ToyData(int count, int seed)
    {
        var rng = new Random(seed);
        float[] x = TestGraphs.Inputs(rng, count, 4);
        int[] y = [.. Enumerable.Range(0, count).Select(i => x[i * 4] > x[(i * 4) + 1] ? 1 : 0)];
        return new InMemoryData(x, y, 4);
    }

    [Theory]
    [InlineData("out/p0.dense0/weight")]
    [InlineData("out/p1.dense0/weight")]
    [InlineData("out/bias")]
    public void ReadoutGradientsMatchFiniteDifferences(string name)
    {
        var net = new TrainableNetwork(Toy(), new TrainingOptions { Timesteps = 5, ChunkSize = 3 });
        InMemoryData data = ToyData(10, 1);
        int p = net.Parameters.ToList().FindIndex(q => q.Name == name);
        Assert.True(p >= 0, name);
        net.Gradient(data.Images, data.Labels, data.Count);
        AssertMatchesCentralDifferences(net, p, data);
    }

    [Theory]
    [InlineData(SurrogateKind.Atan, OptimizerKind.Adam)]
    [InlineData(SurrogateKind.FastSigmoid, OptimizerKind.Adam)]
    [InlineData(SurrogateKind.Triangle, OptimizerKind.Sgd)]
    public void SurrogateGradientsLearnAToyTask(SurrogateKind surrogate, OptimizerKind kind)
    {
        var net = new TrainableNetwork(Toy(), new TrainingOptions { Timesteps = 4, Surrogate = surrogate, Slope = 2f });
        InMemoryData train = ToyData(128, 2), test = ToyData(128, 9);
        var (before, _) = FineTuner.Evaluate(net, test);
        var options = new FineTuneOptions
        {
            Epochs = 8,
            BatchSize = 16,
            Optimizer = new OptimizerOptions { Kind = kind, LearningRate = kind == OptimizerKind.Adam ? 0.02f : 0.2f },
        };
        FineTuner.Run(net, new Optimizer(net.Parameters, options.Optimizer), options, train, null);
        var (after, accuracy) = FineTuner.Evaluate(net, test);
        Assert.True(after < 0.6 * before, $"loss {before:F3} → {after:F3}");
        Assert.True(accuracy > 0.85, $"accuracy {accuracy:P1}");
        // Only the spiking path can have taught it: the hidden layer's weights moved.
        Assert.NotEqual(Toy().Layers[0] is NeuronLayer h ? ((DenseOp)h.Projections[0].Ops[0]).Weight.Data : [],
            net.Parameters[0].Values);
    }

    [Fact]
    public void AResumedRunEndsWhereTheUninterruptedRunEnds()
    {
        InMemoryData train = ToyData(40, 4);
        var options = new FineTuneOptions { Epochs = 3, BatchSize = 8, Training = new TrainingOptions { LearnThresholds = true } };
        var straight = new TrainableNetwork(Toy(), options.Training);
        FineTuner.Run(straight, new Optimizer(straight.Parameters, options.Optimizer), options, train, null);

        string dir = Path.Combine(Path.GetTempPath(), $"ann2snn-ckpt-{Guid.NewGuid():N}");
        try
        {
            var first = new TrainableNetwork(Toy(), options.Training);
            var optimizer = new Optimizer(first.Parameters, options.Optimizer);
            Assert.Throws<OperationCanceledException>(() => FineTuner.Run(first, optimizer, options, train, null,
                epochDone: (e, h) =>
                {
                    TrainingCheckpoint.Save(dir, e, first, optimizer, h);
                    if (e == 1) throw new OperationCanceledException(); // interrupted after the first epoch
                }));
            TrainingCheckpoint.State state = TrainingCheckpoint.Load(dir, first.Fingerprint, OptimizerKind.Adam,
                [.. first.Parameters.Select(p => p.Values.Length)]);
            Assert.Equal(1, state.Epoch);
            var resumed = new TrainableNetwork(state.Network, options.Training);
            var restored = new Optimizer(resumed.Parameters, options.Optimizer) { Steps = state.Steps };
            for (int p = 0; p < state.First.Length; p++)
            {
                state.First[p].CopyTo(restored.First[p], 0);
                state.Second[p].CopyTo(restored.Second[p], 0);
            }
            FineTuner.Run(resumed, restored, options, train, null, state.Epoch, state.History);
            for (int p = 0; p < straight.Parameters.Count; p++) Assert.Equal(straight.Parameters[p].Values, resumed.Parameters[p].Values);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ACheckpointOfAnotherNetworkOrADamagedOneIsRefused()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ann2snn-ckpt-{Guid.NewGuid():N}");
        try
        {
            var toy = new TrainableNetwork(Toy(), new TrainingOptions());
            TrainingCheckpoint.Save(dir, 1, toy, new Optimizer(toy.Parameters, new OptimizerOptions()), []);
            var other = new TrainableNetwork(ExactNetwork.Build(NeuronParameters.IntegrateAndFire()), new TrainingOptions());
            int[] sizes = [.. other.Parameters.Select(p => p.Values.Length)];
            var e = Assert.Throws<InvalidModelException>(() => TrainingCheckpoint.Load(dir, other.Fingerprint, OptimizerKind.Adam, sizes));
            Assert.Contains("another network", e.Message);
            int[] toySizes = [.. toy.Parameters.Select(p => p.Values.Length)];
            Assert.Contains("sgd", Assert.Throws<InvalidModelException>(
                () => TrainingCheckpoint.Load(dir, toy.Fingerprint, OptimizerKind.Sgd, toySizes)).Message);
            File.AppendAllText(Path.Combine(dir, "epoch-1.moments"), "x");
            Assert.Contains("SHA-256", Assert.Throws<InvalidModelException>(
                () => TrainingCheckpoint.Load(dir, toy.Fingerprint, OptimizerKind.Adam, toySizes)).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ANaNLossStopsNamingTheEpochAndBatch()
    {
        InMemoryData train = ToyData(32, 5);
        train.Images[20 * 4] = float.NaN;
        var net = new TrainableNetwork(Toy(), new TrainingOptions());
        var options = new FineTuneOptions { BatchSize = 8, Optimizer = new OptimizerOptions { Cosine = false } };
        int epochs = 0;
        var e = Assert.Throws<TrainingDivergedException>(() => FineTuner.Run(net, new Optimizer(net.Parameters, options.Optimizer),
            options with { Seed = 1 }, train, null, epochDone: (_, _) => epochs++));
        Assert.Matches("^epoch 1, batch [1-4] of 4: the loss is NaN", e.Message);
        Assert.Equal(0, epochs);
    }

    [Fact]
    public void NetworksTheSimulationCannotDifferentiateAreRefusedNamingTheLayer()
    {
        SpikingNetwork spikingOut = ExactNetwork.Build(NeuronParameters.IntegrateAndFire(), spikingOutput: true);
        Assert.Contains("readout", Refusal(spikingOut));
        SpikingNetwork gate = ExactNetwork.Build(NeuronParameters.IntegrateAndFire(), MaxPoolScheme.Gate);
        Assert.Contains("'pool'", Refusal(gate));
        SpikingNetwork signed = ExactNetwork.Build(NeuronParameters.IntegrateAndFire() with { SignedSpikes = true });
        Assert.Contains("--signed off", Refusal(signed));
        SpikingNetwork poisson = InputEncodingMetadata.Write(Toy(), InputEncoding.Poisson);
        Assert.Contains("poisson", Refusal(poisson));
        Assert.StartsWith("option 'timesteps'", Assert.Throws<InvalidOptionException>(
            () => new TrainableNetwork(Toy(), new TrainingOptions { Timesteps = 0 })).Message);
        Assert.StartsWith("option 'epochs'", Assert.Throws<InvalidOptionException>(
            () => new FineTuneOptions { Epochs = 0 }.Validate()).Message);
        Assert.StartsWith("option 'batch'", Assert.Throws<InvalidOptionException>(
            () => new FineTuneOptions { BatchSize = 0 }.Validate()).Message);
    }

    private static string Refusal(SpikingNetwork network) =>
        Assert.Throws<InvalidModelException>(() => new TrainableNetwork(network, new TrainingOptions())).Message;
}
