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
/// A random pre-norm Transformer block with a class token, built as the ONNX importer builds a ViT (per-token linear maps
/// as dense layers over tokens, heads by Reshape/Transpose/Gather), converts to operator layers, signed IF populations,
/// dense synapses over tokens and selections, and its SNN tracks the ANN as the window grows; the older block-diagonal form
/// of the same block converts to the same spiking network up to summation order.
/// </summary>
public class AttentionConversionTests
{
    private const int Tokens = 3, Dim = 8, Heads = 2, HeadDim = Dim / Heads, Hidden = 16, Classes = 5;

    /// <summary>
    /// x [3, 8] → embed → Concat(class token) [4, 8] → LN → qkv → heads → softmax(q·kᵀ/2)·v → proj → + residual → LN → fc1 →
    /// GELU → fc2 → + residual → LN → class token → head [5].
    /// </summary>
    internal static ModelGraph Block(int seed, bool blockDiagonal = false)
    {
        var rng = new Random(seed);
        int all = Tokens + 1;
        var input = new InputNode("x", new Shape(Tokens, Dim));
        Node PerToken(string name, Node x, int tokens, int din, int dout, Random rng) =>
            Linear(name, x, tokens, din, dout, rng, blockDiagonal);
        Node embed = PerToken("embed", input, Tokens, Dim, Dim, rng);
        var cls = new ConstantNode("cls", input, new Shape(1, Dim), TestGraphs.Vector(rng, Dim, -1f, 1f));
        var tokens = new ConcatNode("tokens", [cls, embed]);
        Node h = Norm("ln1", tokens, rng);
        Node qkv = new ReshapeNode("qkv.heads", PerToken("qkv", h, all, Dim, 3 * Dim, rng), new Shape(all, 3, Heads, HeadDim));
        var split = new TransposeNode("qkv.t", qkv, [1, 2, 0, 3]);
        var headShape = new Shape(Heads, all, HeadDim);
        Node Part(string name, int p) => new GatherNode(name, split,
            [.. Enumerable.Range(p * headShape.Size, headShape.Size)], headShape, "Split");
        Node q = Part("q", 0), k = Part("k", 1), v = Part("v", 2);
        var kt = new TransposeNode("kt", k, [0, 2, 1]);
        var scores = new MatMulNode("qk", q, kt);
        var scaled = new ScaleShiftNode("scale", scores, [.. Enumerable.Repeat(0.5f, Heads)], new float[Heads]);
        var p = new SoftmaxNode("softmax", scaled, false, 2, 2);
        var o = new MatMulNode("pv", p, v);
        Node merged = new ReshapeNode("merge", new TransposeNode("o.t", o, [1, 0, 2]), new Shape(all, Dim));
        var r1 = new AddNode("res1", tokens, PerToken("proj", merged, all, Dim, Dim, rng));
        Node fc1 = PerToken("fc1", Norm("ln2", r1, rng), all, Dim, Hidden, rng);
        var gelu = new ActivationNode("gelu", fc1, ActivationKind.Gelu);
        var r2 = new BinaryNode("res2", r1, PerToken("fc2", gelu, all, Hidden, Dim, rng), BinaryKind.Add);
        var first = new GatherNode("class", Norm("ln3", r2, rng), [.. Enumerable.Range(0, Dim)], new Shape(Dim), "Gather");
        var head = new DenseNode("head", first, new FloatTensor([Classes, Dim], TestGraphs.Vector(rng, Classes * Dim, -1f, 1f)),
            TestGraphs.Vector(rng, Classes, -0.2f, 0.2f));
        return new ModelGraph(input, head, "attention");
    }

    /// <summary>
    /// The same linear map on every token: a dense node over tokens (as the importer writes a MatMul by a constant), or
    /// (<paramref name="blockDiagonal"/>) the importer's former Flatten → one block-diagonal dense → Reshape.
    /// </summary>
    private static Node Linear(string name, Node x, int tokens, int din, int dout, Random rng, bool blockDiagonal)
    {
        float[] w = TestGraphs.Vector(rng, dout * din, -1f / MathF.Sqrt(din), 1f / MathF.Sqrt(din) * 1.7f);
        float[] b = TestGraphs.Vector(rng, dout, -0.2f, 0.2f);
        if (!blockDiagonal) return new DenseNode(name, x, new FloatTensor([dout, din], w), b);
        var big = new float[tokens * dout * tokens * din];
        var bias = new float[tokens * dout];
        for (int t = 0; t < tokens; t++)
        {
            for (int o = 0; o < dout; o++)
            {
                bias[t * dout + o] = b[o];
                for (int i = 0; i < din; i++) big[(t * dout + o) * tokens * din + t * din + i] = w[o * din + i];
            }
        }
        var flat = new ReshapeNode(name + ".flatten", x, new Shape(tokens * din));
        var dense = new DenseNode(name + ".dense", flat, new FloatTensor([tokens * dout, tokens * din], big), bias);
        return new ReshapeNode(name, dense, new Shape(tokens, dout));
    }

    private static LayerNormNode Norm(string name, Node x, Random rng) =>
        new(name, x, 1, 1e-5f, TestGraphs.Vector(rng, Dim, 0.5f, 1.5f), TestGraphs.Vector(rng, Dim, -0.3f, 0.3f));

    [Fact]
    public void EveryOperatorBecomesAnOperatorLayerAndTheStreamsSignedPopulations()
    {
        ModelGraph graph = Block(1);
        Assert.True(Preflight.Check(graph).Convertible, string.Join("; ", Preflight.Check(graph).Blockers.Select(b => b.Message)));
        SpikingNetwork net = TestConversion.Convert(graph, new ConversionOptions()).Network;
        var operators = net.Layers.OfType<OperatorLayer>().ToDictionary(l => l.Name);
        Assert.Equal(["ln1", "qk", "softmax", "pv", "ln2", "gelu", "ln3"], operators.Keys);
        Assert.Equal(OperatorKind.MatMul, operators["pv"].Operator);
        // The residual stream, q, k, v and fc1 are carried by signed populations with negative gain 1; softmax reads qk directly.
        var populations = net.Layers.OfType<NeuronLayer>().ToDictionary(l => l.Name);
        Assert.Equal(["tokens", "q", "kt", "v", "res1", "fc1", "res2"], populations.Keys);
        Assert.All(populations.Values, l => Assert.Equal([1f], l.NegativeGain!));
        Assert.All(populations.Values, l => Assert.True(l.Neuron.SignedSpikes));
        Assert.Single(operators["softmax"].Projections);
        Assert.Equal(net.Layers.ToList().IndexOf(operators["qk"]), operators["softmax"].Projections[0].Source);
    }

    [Fact]
    public void TokenLinearMapsBecomeTokenDenseSynapsesAndHeadsSelectionsAndMatchTheBlockDiagonalForm()
    {
        ModelGraph graph = Block(4), diagonal = Block(4, blockDiagonal: true);
        const int count = 6;
        float[] x = TestGraphs.Inputs(new Random(9), count, graph.Input.OutputShape.Size);
        float[] ann = new AnnExecutor(graph).Forward(x, count), annDiagonal = new AnnExecutor(diagonal).Forward(x, count);
        for (int i = 0; i < ann.Length; i++) Assert.Equal(annDiagonal[i], ann[i], 1e-5f);

        var options = new ConversionOptions { Normalization = NormalizationKind.Max };
        SpikingNetwork net = TestConversion.Convert(graph, options).Network, old = TestConversion.Convert(diagonal, options).Network;
        SynapticOp[] ops = [.. net.Layers.SelectMany(SpikingNetwork.ProjectionsOf).SelectMany(p => p.Ops)];
        Assert.Contains(ops, o => o is TokenDenseOp { Positions: Tokens + 1, InFeatures: Dim, OutFeatures: 3 * Dim });
        Assert.Contains(ops, o => o is SelectOp);
        // No dense synapses over a whole sample and no 0/1 selection matrices: the largest dense map is the head.
        Assert.All(ops.OfType<DenseOp>(), d => Assert.True(d.Weight.Length <= Classes * Dim, $"dense {d.Weight}"));
        long Weights(SpikingNetwork n) => n.Layers.SelectMany(SpikingNetwork.ProjectionsOf).SelectMany(p => p.Ops)
            .Sum(o => o switch { DenseOp d => d.Weight.Length, TokenDenseOp t => t.Weight.Length, _ => 0L });
        Assert.True(Weights(net) * Tokens < Weights(old), $"{Weights(net)} weights against {Weights(old)} block-diagonal");

        // The same spiking network up to summation order, on both backends.
        var simulation = new SimulationOptions { Timesteps = 64, KeepOutputs = true, MaxDegreeOfParallelism = 1 };
        SimulationResult Run(ISimulator s, SpikingNetwork n) => s.Run(n, [new DataBatch(x, new int[count], count)], simulation);
        SimulationResult dense = Run(new DenseSimulator(), net), events = Run(new Ann2Snn.Simulation.Event.EventSimulator(), net);
        SimulationResult before = Run(new DenseSimulator(), old);
        double scale = ann.Max(MathF.Abs);
        for (int b = 0; b < count; b++)
        {
            for (int k = 0; k < Classes; k++)
            {
                Assert.True(Math.Abs(dense.Outputs[b][k] - before.Outputs[b][k]) <= 0.02 * scale,
                    $"image {b} class {k}: {dense.Outputs[b][k]} over tokens, {before.Outputs[b][k]} block-diagonal");
                Assert.True(Math.Abs(dense.Outputs[b][k] - events.Outputs[b][k]) <= 0.02 * scale,
                    $"image {b} class {k}: {dense.Outputs[b][k]} dense backend, {events.Outputs[b][k]} event backend");
            }
        }
    }

    /// <summary>
    /// Tuned for a short window T, the signed operand populations fire graded spikes of up to B = ⌈32/T⌉ a step (either sign),
    /// and only they; the dense and event backends give the same spikes and outputs; more levels bring the SNN closer to the
    /// ANN at T = 8; an explicit burst wins.
    /// </summary>
    [Theory]
    [InlineData(8, null, 4)]
    [InlineData(16, null, 2)]
    [InlineData(32, null, 1)]
    [InlineData(8, 2, 2)]
    public void OperandPopulationsFireGradedSpikesForAShortWindow(int window, int? explicitBurst, int burst)
    {
        ModelGraph graph = Block(5);
        var options = new ConversionOptions
        {
            Normalization = NormalizationKind.ChannelFit,
            Window = window,
            OperandBurst = explicitBurst,
        };
        SpikingNetwork net = TestConversion.Convert(graph, options).Network;
        NeuronLayer[] populations = [.. net.Layers.OfType<NeuronLayer>()];
        Assert.NotEmpty(populations);
        Assert.All(populations, l => Assert.Equal(l.NegativeGain is [1f] ? burst : 1, l.Neuron.BurstLimit));

        const int count = 6;
        float[] x = TestGraphs.Inputs(new Random(3), count, graph.Input.OutputShape.Size);
        var simulation = new SimulationOptions { Timesteps = window, KeepOutputs = true, MaxDegreeOfParallelism = 1 };
        SimulationResult Run(ISimulator s, SpikingNetwork n) => s.Run(n, [new DataBatch(x, new int[count], count)], simulation);
        SimulationResult dense = Run(new DenseSimulator(), net), events = Run(new Ann2Snn.Simulation.Event.EventSimulator(), net);
        Assert.Equal(dense.LayerSpikes, events.LayerSpikes);
        for (int b = 0; b < count; b++)
        {
            for (int k = 0; k < Classes; k++) Assert.Equal(dense.Outputs[b][k], events.Outputs[b][k], 1e-4f);
        }
        if (burst == 1) return;

        // At T = 8 the graded operands track the ANN more closely than one spike a step (mean absolute logit error).
        float[] logits = new AnnExecutor(graph).Forward(x, count);
        double Error(SimulationResult r) =>
            Enumerable.Range(0, count * Classes).Average(i => Math.Abs(r.Outputs[i / Classes][i % Classes] - logits[i]));
        SpikingNetwork plain = TestConversion.Convert(graph, options with { OperandBurst = 1 }).Network;
        Assert.True(Error(dense) < Error(Run(new DenseSimulator(), plain)), "graded operands did not reduce the error");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TheSnnTracksTheAnnAsTheWindowGrows(int seed)
    {
        ModelGraph graph = Block(seed);
        SpikingNetwork net = TestConversion.Convert(graph, new ConversionOptions { Normalization = NormalizationKind.Max }).Network;
        const int count = 8;
        float[] x = TestGraphs.Inputs(new Random(seed + 50), count, graph.Input.OutputShape.Size);
        float[] logits = new AnnExecutor(graph).Forward(x, count);
        double Error(int t)
        {
            SimulationResult sim = new DenseSimulator().Run(net, [new DataBatch(x, new int[count], count)],
                new SimulationOptions { Timesteps = t, KeepOutputs = true, MaxDegreeOfParallelism = 1 });
            return Enumerable.Range(0, count).Average(b => sim.Outputs[b].Select((y, k) => Math.Abs(y - logits[b * Classes + k])).Max());
        }
        double scale = logits.Max(MathF.Abs);
        double e32 = Error(32), e1024 = Error(1024);
        Assert.True(e1024 < e32 / 4, $"seed {seed}: errors at T = 32, 1024: {e32:g3}, {e1024:g3}");
        Assert.True(e1024 < 0.03 * scale, $"seed {seed}: error {e1024:g3} at T = 1024 against logits up to {scale:g3}");
    }
}
