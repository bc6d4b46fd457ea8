using System.Text.Json;
using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Training;

namespace Ann2Snn.Tests.Training;

/// <summary>
/// Gradients of the differentiable simulation against PyTorch autograd through the same network, surrogate and T
/// (fixtures written once by bench/training/make_bptt_fixtures.py): the same spikes, the same loss, and every parameter's
/// gradient within a relative 1e-4 of PyTorch's (max |ours − torch| over the tensor / max |torch|).
/// </summary>
public sealed class TorchBpttAgreementTests
{
    private static string Folder => Path.Combine(Zoo.RepositoryRoot, "tests", "Ann2Snn.Tests", "Fixtures", "training");

    public static TheoryData<string> Fixtures =>
        [.. Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order()];

    [Fact]
    public void EveryVariantHasAFixture() => Assert.True(Fixtures.Count >= 6);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void GradientsAgreeWithPyTorch(string name)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        JsonElement f = doc.RootElement;
        var (network, options) = Build(f);
        var trainable = new TrainableNetwork(network, options);
        float[] x = Floats(f.GetProperty("x"));
        int[] labels = [.. f.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32())];
        long[][] spikes = trainable.SpikeCounts(x, labels.Length);
        JsonElement totals = f.GetProperty("spikes");
        Assert.Equal(totals.GetProperty("a").GetDouble(), spikes[0].Sum());
        Assert.Equal(totals.GetProperty("pool").GetDouble(), spikes[1].Sum());
        Assert.Equal(totals.GetProperty("b").GetDouble(), spikes[2].Sum());
        BatchStats stats = trainable.Gradient(x, labels, labels.Length);
        Assert.Equal(f.GetProperty("loss").GetDouble(), stats.Loss / labels.Length, 5);
        JsonElement expected = f.GetProperty("gradients");
        Assert.Equal(expected.EnumerateObject().Count(), trainable.Parameters.Count);
        for (int p = 0; p < trainable.Parameters.Count; p++)
        {
            float[] want = Floats(expected.GetProperty(trainable.Parameters[p].Name));
            float[] got = trainable.Gradients[p];
            Assert.Equal(want.Length, got.Length);
            double scale = want.Max(MathF.Abs);
            Assert.True(scale > 0, $"{name}: {trainable.Parameters[p].Name} has a zero gradient: a weak fixture");
            double diff = want.Zip(got, (a, b) => Math.Abs((double)a - b)).Max();
            Assert.True(diff <= 1e-4 * scale, $"{name}: {trainable.Parameters[p].Name}: max |Δ| = {diff:G3}, max |torch| = {scale:G3}");
        }
    }

    private static (SpikingNetwork, TrainingOptions) Build(JsonElement f)
    {
        JsonElement p = f.GetProperty("parameters");
        FloatTensor W(string key, params int[] shape) => new(shape, Floats(p.GetProperty(key)));
        NeuronParameters Neuron(string layer)
        {
            JsonElement n = f.GetProperty("neurons").GetProperty(layer);
            float theta = n.GetProperty("theta").GetSingle(), frac = n.GetProperty("frac").GetSingle();
            ResetMode reset = n.GetProperty("reset").GetString() == "zero" ? ResetMode.ToZero : ResetMode.BySubtraction;
            return n.GetProperty("model").GetString() == "lif"
                ? NeuronParameters.LeakyIntegrateAndFire(n.GetProperty("tau").GetSingle(), theta, reset, n.GetProperty("rest").GetSingle(),
                    n.GetProperty("r").GetSingle()) with
                { InitialFraction = frac }
                : NeuronParameters.IntegrateAndFire(theta, reset, frac);
        }
        Shape input = new(1, 6, 6), a = new(2, 6, 6), pooled = new(2, 3, 3), flat = new(18);
        float[] channelBias = Floats(p.GetProperty("a/bias"));
        float[] biasA = [.. Enumerable.Range(0, a.Size).Select(i => channelBias[i / 36])];
        var layers = new List<SpikingLayer>
        {
            new NeuronLayer("a", a, Neuron("a"), [new Projection(-1, [new ConvOp(input, W("a/p0.conv0/weight", 2, 1, 3, 3),
                Window2d.Square(3, 1, 1), 1, a)])], biasA),
            new MaxPoolLayer("pool", 0, a, Window2d.Square(2, 2), MaxPoolScheme.WinnerTakeAll, pooled),
            new NeuronLayer("b", new Shape(8), Neuron("b"),
            [
                new Projection(1, [new ReshapeOp(pooled, flat), new DenseOp(flat, W("b/p0.dense1/weight", 8, 18))]),
                new Projection(0, [new AvgPoolOp(a, Window2d.Square(2, 2), false, pooled), new ReshapeOp(pooled, flat),
                    new DenseOp(flat, W("b/p1.dense2/weight", 8, 18))]),
            ], Floats(p.GetProperty("b/bias"))),
            new ReadoutLayer("out", new Shape(3), [new Projection(2, [new DenseOp(new Shape(8), W("out/p0.dense0/weight", 3, 8))])],
                Floats(p.GetProperty("out/bias"))),
        };
        var options = new TrainingOptions
        {
            Timesteps = f.GetProperty("timesteps").GetInt32(),
            Surrogate = Surrogate.Parse(f.GetProperty("surrogate").GetString()!, "surrogate"),
            Slope = f.GetProperty("slope").GetSingle(),
            DetachReset = f.GetProperty("detach_reset").GetBoolean(),
            LearnThresholds = f.GetProperty("learn_thresholds").GetBoolean(),
            ChunkSize = 2,
        };
        return (new SpikingNetwork(f.GetProperty("name").GetString()!, input, layers), options);
    }

    private static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetSingle())];
}
