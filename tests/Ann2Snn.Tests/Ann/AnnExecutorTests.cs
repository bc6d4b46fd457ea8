using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Kernels;

namespace Ann2Snn.Tests.Ann;

public sealed class AnnExecutorTests
{
    private static FloatTensor Tensor(int[] shape, float[] data) => new(shape, data);

    [Fact]
    public void BatchNormScaleShiftAndRelu()
    {
        // x: 2 channels × 2 pixels. BN: a = γ/√(σ²+ε), c = β − aμ; then ×[1, −1] per channel, +0.5; ReLU.
        var input = new InputNode("x", new Shape(2, 1, 2));
        var bn = new BatchNormNode("bn", input, scale: [2f, 1f], bias: [1f, 0f], mean: [1f, 2f], variance: [4f, 1f], epsilon: 0f);
        var ss = new ScaleShiftNode("ss", bn, [1f, -1f], [0.5f]);
        var relu = new ReluNode("relu", ss);
        var graph = new ModelGraph(input, relu);
        float[] x = [3f, -1f, 2f, 5f, /* sample 2 */ 1f, 1f, 0f, 0f];
        var acts = new AnnExecutor(graph).ForwardAll(x, 2);
        // Channel 0: a = 2/2 = 1, c = 1 − 1 = 0 → x. Channel 1: a = 1, c = −2 → x − 2.
        Assert.Equal([3f, -1f, 0f, 3f, 1f, 1f, -2f, -2f], acts.Of(bn));
        Assert.Equal([3.5f, -0.5f, 0.5f, -2.5f, 1.5f, 1.5f, 2.5f, 2.5f], acts.Of(ss));
        Assert.Equal([3.5f, 0f, 0.5f, 0f, 1.5f, 1.5f, 2.5f, 2.5f], acts.Output);
        Assert.Same(acts.Of(relu), acts.Output);
        Assert.Equal(x, acts.Of(input));
    }

    [Fact]
    public void AddConcatAndSoftmax()
    {
        var input = new InputNode("x", new Shape(2));
        var doubled = new ScaleShiftNode("double", input, [2f], [0f], "Mul");
        var shifted = new ScaleShiftNode("shift", input, [1f], [1f, -1f], "Add");
        var sum = new AddNode("sum", doubled, shifted);
        var cat = new ConcatNode("cat", [sum, doubled]);
        var softmax = new SoftmaxNode("softmax", cat, log: false);
        var logSoftmax = new SoftmaxNode("logsoftmax", softmax, log: true);
        var graph = new ModelGraph(input, logSoftmax);
        float[] x = [1f, 2f, 0f, -1f];
        var exec = new AnnExecutor(graph);
        var acts = exec.ForwardAll(x, 2);
        Assert.Equal([4f, 5f, 1f, -4f], acts.Of(sum));
        Assert.Equal([4f, 5f, 2f, 4f, 1f, -4f, 0f, -2f], acts.Of(cat));
        float[] sm = acts.Of(softmax);
        for (int s = 0; s < 2; s++)
        {
            double[] v = acts.Of(cat).Skip(4 * s).Take(4).Select(f => (double)f).ToArray();
            double z = v.Sum(Math.Exp);
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(Math.Exp(v[i]) / z, sm[4 * s + i], 6);
                double p = sm.Skip(4 * s).Take(4).Sum(f => Math.Exp(f));
                Assert.Equal(sm[4 * s + i] - Math.Log(p), acts.Output[4 * s + i], 5);
            }
        }
        Assert.Equal(acts.Output, exec.Forward(x, 2));
    }

    [Fact]
    public void DenseAndClip()
    {
        var input = new InputNode("x", new Shape(3));
        var dense = new DenseNode("fc", input, Tensor([2, 3], [1, 2, 3, -1, 0, 1]), [0.5f, -10f]);
        var clip = new ClipNode("clip", dense, -1f, 6f);
        var graph = new ModelGraph(input, clip);
        float[] y = new AnnExecutor(graph).Forward([1f, 1f, 1f, 2f, 0f, 1f], 2);
        // Sample 1: [6.5, −10] → [6, −1]; sample 2: [5.5, −11] → [5.5, −1].
        Assert.Equal([6f, -1f, 5.5f, -1f], y);
    }

    /// <summary>A small CNN with every kind of layer the executor runs on images, random weights.</summary>
    private static (ModelGraph Graph, Node[] Nodes) RandomCnn(int seed)
    {
        var rng = new Random(seed);
        var input = new InputNode("x", new Shape(3, 9, 8));
        var conv1 = new Conv2dNode("conv1", input, Tensor([6, 3, 3, 3], Reference.RandomFloats(rng, 162)), Reference.RandomFloats(rng, 6),
            Window2d.Square(3, 1, 1));
        var bn = new BatchNormNode("bn", conv1, Reference.RandomFloats(rng, 6), Reference.RandomFloats(rng, 6),
            Reference.RandomFloats(rng, 6), Reference.RandomFloats(rng, 6).Select(v => v + 1.5f).ToArray(), 1e-5f);
        var relu = new ReluNode("relu", bn);
        var pool = new Pool2dNode("pool", relu, PoolKind.Max, new Window2d(2, 2, 2, 2, 0, 0, 0, 0, CeilMode: true));
        var dw = new Conv2dNode("dw", pool, Tensor([6, 1, 3, 3], Reference.RandomFloats(rng, 54)), null,
            Window2d.Square(3, 1, 1), groups: 6);
        var add = new AddNode("add", dw, pool);
        var conv2 = new Conv2dNode("conv2", add, Tensor([4, 3, 2, 2], Reference.RandomFloats(rng, 48)), Reference.RandomFloats(rng, 4),
            new Window2d(2, 2, 1, 1, 0, 0, 1, 1, 2, 2), groups: 2);
        var avg = new Pool2dNode("avg", conv2, PoolKind.Average, new Window2d(2, 2, 2, 2, 1, 1, 0, 0), countIncludePad: false);
        var cat = new ConcatNode("cat", [avg, avg]);
        var gap = new GlobalAvgPoolNode("gap", cat);
        var clip = new ClipNode("clip", cat, 0f, 0.5f);
        var flat = new ReshapeNode("flat", clip, new Shape(clip.OutputShape.Size), "Flatten");
        var fc = new DenseNode("fc", flat, Tensor([5, flat.OutputShape.Size], Reference.RandomFloats(rng, 5 * flat.OutputShape.Size)),
            Reference.RandomFloats(rng, 5));
        var gapFlat = new ReshapeNode("gapflat", gap, new Shape(8));
        var fc2 = new DenseNode("fc2", gapFlat, Tensor([5, 8], Reference.RandomFloats(rng, 40)), null);
        var sum = new AddNode("logits", fc, fc2);
        var drop = new IdentityNode("drop", sum, "Dropout");
        return (new ModelGraph(input, drop, "cnn"),
            [conv1, bn, relu, pool, dw, add, conv2, avg, cat, gap, clip, flat, fc, gapFlat, fc2, sum, drop]);
    }

    [Fact]
    public void CnnMatchesNaiveReferenceNodeByNode()
    {
        var (graph, _) = RandomCnn(3);
        int batch = 5;
        float[] x = Reference.RandomFloats(new Random(4), batch * graph.Input.OutputShape.Size);
        var acts = new AnnExecutor(graph).ForwardAll(x, batch);
        foreach (Node node in graph.Nodes.Skip(1))
        {
            // Each node's output is recomputed naively from the executor's own inputs to that node.
            int size = node.OutputShape.Size;
            for (int s = 0; s < batch; s++)
            {
                float[][] ins = node.Inputs
                    .Select(i => acts.Of(i).Skip(s * i.OutputShape.Size).Take(i.OutputShape.Size).ToArray()).ToArray();
                double[] expected = Naive(node, ins);
                Reference.AssertClose(expected, acts.Of(node).Skip(s * size).Take(size).ToArray(), 2e-5, $"{node} sample {s}");
            }
        }
    }

    private static double[] Naive(Node node, float[][] x)
    {
        Shape s = node.Inputs[0].OutputShape;
        switch (node)
        {
            case Conv2dNode c:
                return Reference.Conv2d(x[0], s.Channels, s.Height, s.Width, c.Weight.Data, c.Bias, c.OutChannels, c.Window, c.Groups);
            case Pool2dNode p:
                return Reference.Pool(x[0], s.Channels, s.Height, s.Width, p.Window, p.Kind == PoolKind.Max, p.CountIncludePad);
            case BatchNormNode b:
                int plane = s.Size / s.Channels;
                return x[0].Select((v, i) =>
                {
                    int ch = i / plane;
                    return b.Scale[ch] * (v - (double)b.Mean[ch]) / Math.Sqrt(b.Variance[ch] + (double)b.Epsilon) + b.Bias[ch];
                }).ToArray();
            case ReluNode:
                return x[0].Select(v => Math.Max(0.0, v)).ToArray();
            case ClipNode c:
                return x[0].Select(v => Math.Clamp(v, (double)c.Min, c.Max)).ToArray();
            case AddNode:
                return x[0].Zip(x[1], (a, b) => (double)a + b).ToArray();
            case ConcatNode:
                return x.SelectMany(v => v).Select(v => (double)v).ToArray();
            case GlobalAvgPoolNode:
                int n = s.Height * s.Width;
                return Enumerable.Range(0, s.Channels).Select(ch => x[0].Skip(ch * n).Take(n).Average(v => (double)v)).ToArray();
            case DenseNode d:
                return Enumerable.Range(0, d.OutFeatures)
                    .Select(o => (d.Bias?[o] ?? 0)
                        + Enumerable.Range(0, d.InFeatures).Sum(i => (double)d.Weight.Data[o * d.InFeatures + i] * x[0][i]))
                    .ToArray();
            case ReshapeNode or IdentityNode:
                return x[0].Select(v => (double)v).ToArray();
            default:
                throw new InvalidOperationException(node.Op);
        }
    }

    [Fact]
    public void ParallelAndSequentialAreBitIdentical()
    {
        var (graph, nodes) = RandomCnn(21);
        int batch = 37;
        float[] x = Reference.RandomFloats(new Random(22), batch * graph.Input.OutputShape.Size);
        var sequential = new AnnExecutor(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 1, BatchChunk = 1 });
        float[] reference = sequential.Forward(x, batch);
        foreach (var options in new[]
        {
            new AnnExecutorOptions(),
            new AnnExecutorOptions { MaxDegreeOfParallelism = 4, BatchChunk = 5 },
            new AnnExecutorOptions { MaxDegreeOfParallelism = 3, BatchChunk = 64 },
        })
        {
            var exec = new AnnExecutor(graph, options);
            Assert.Equal(reference, exec.Forward(x, batch));
            var all = exec.ForwardAll(x, batch);
            var allSequential = sequential.ForwardAll(x, batch);
            Assert.Equal(reference, all.Output);
            foreach (Node n in nodes) Assert.Equal(allSequential.Of(n), all.Of(n));
        }
        // A sample's result does not depend on the rest of the batch.
        int size = graph.Output.OutputShape.Size;
        Assert.Equal(reference.AsSpan(7 * size, size).ToArray(),
            sequential.Forward(x.AsSpan(7 * graph.Input.OutputShape.Size, graph.Input.OutputShape.Size), 1));
    }

    [Fact]
    public void OutputMayBeAnAliasOrTheInput()
    {
        var input = new InputNode("x", new Shape(2, 1, 1));
        var relu = new ReluNode("relu", input);
        var flat = new ReshapeNode("flat", relu, new Shape(2), "Flatten");
        Assert.Equal([0f, 2f, 1f, 0f], new AnnExecutor(new ModelGraph(input, flat)).Forward([-1f, 2f, 1f, -3f], 2));
        var id = new IdentityNode("id", input);
        Assert.Equal([-1f, 2f], new AnnExecutor(new ModelGraph(input, id)).Forward([-1f, 2f], 1));
        Assert.Equal([5f, 6f], new AnnExecutor(new ModelGraph(input, input)).Forward([5f, 6f], 1));
        var reshaped = new ReshapeNode("reshaped", input, new Shape(2));
        var exec = new AnnExecutor(new ModelGraph(input, reshaped), new AnnExecutorOptions { MaxDegreeOfParallelism = 2, BatchChunk = 1 });
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], exec.Forward([1f, 2f, 3f, 4f, 5f, 6f], 3));
        Assert.Equal([1f, 2f, 3f, 4f], exec.ForwardAll([1f, 2f, 3f, 4f], 2).Output);
    }

    [Fact]
    public void RejectsBadInputAndOptions()
    {
        var input = new InputNode("data", new Shape(1, 2, 2));
        var exec = new AnnExecutor(new ModelGraph(input, new ReluNode("r", input), "tiny"));
        var ex = Assert.Throws<ArgumentException>(() => exec.Forward(new float[7], 2));
        Assert.Contains("input has 7 values, expected batch 2 × 4", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => exec.Forward([], -1));
        Assert.Empty(exec.Forward([], 0));
        Assert.Empty(exec.ForwardAll([], 0).Output);
        var opt = Assert.Throws<InvalidOptionException>(() =>
            new AnnExecutor(exec.Graph, new AnnExecutorOptions { MaxDegreeOfParallelism = -2 }));
        Assert.Contains("MaxDegreeOfParallelism", opt.Message);
        var other = new InputNode("other", new Shape(1));
        Assert.Throws<ArgumentException>(() => exec.ForwardAll(new float[4], 1).Of(other));
    }
}
