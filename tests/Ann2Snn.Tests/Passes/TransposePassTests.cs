using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Passes;

public sealed class TransposePassTests
{
    private const double Tolerance = 1e-5;
    private static readonly CancelTransposesPass Cancel = new();
    private static readonly FoldTransposeIntoDensePass IntoDense = new();

    private static int[] RandomPermutation(Random rng, int rank) => [.. Enumerable.Range(0, rank).OrderBy(_ => rng.Next())];

    private static int[] Inverse(int[] p)
    {
        var q = new int[p.Length];
        for (int i = 0; i < p.Length; i++) q[p[i]] = i;
        return q;
    }

    /// <summary>
    /// A random element-wise node on <paramref name="x"/>: Relu, Clip, Identity, a BatchNorm, or a ScaleShift by 1, C or
    /// all values.
    /// </summary>
    private static Node Elementwise(Random rng, Node x, string name)
    {
        Shape s = x.OutputShape;
        float[] Values(int n, float lo, float hi) => TestGraphs.Vector(rng, n, lo, hi);
        return rng.Next(6) switch
        {
            0 => new ReluNode(name, x),
            1 => new ClipNode(name, x, -0.5f, 0.7f),
            2 => new IdentityNode(name, x),
            3 => new BatchNormNode(name, x, Values(s.Channels, 0.5f, 2f), Values(s.Channels, -1f, 1f), Values(s.Channels, -1f, 1f),
                Values(s.Channels, 0.5f, 2f), 1e-5f),
            4 => new ScaleShiftNode(name, x, Values(s.Channels, -2f, 2f), Values(1, -1f, 1f)),
            _ => new ScaleShiftNode(name, x, Values(s.Size, -2f, 2f), Values(s.Size, -1f, 1f)),
        };
    }

    [Fact]
    public void Transposes_around_element_wise_chains_cancel_for_random_permutations()
    {
        for (int seed = 1; seed <= 60; seed++)
        {
            var rng = new Random(seed);
            int rank = rng.Next(1, 4);
            int[] dims = [.. Enumerable.Range(0, rank).Select(_ => rng.Next(1, 6))];
            var input = new InputNode("x", new Shape(dims));
            int[] p = RandomPermutation(rng, rank);
            Node at = new TransposeNode("t1", input, p);
            int chain = rng.Next(0, 4);
            for (int i = 0; i < chain; i++) at = Elementwise(rng, at, $"e{i}");
            // Half the time the second transpose undoes the first exactly; otherwise one transpose must remain.
            bool exact = seed % 2 == 0;
            int[] q = exact ? Inverse(p) : RandomPermutation(rng, rank);
            Node t2 = new TransposeNode("t2", at, q);
            var graph = new ModelGraph(input, new ReluNode("out", t2));

            ModelGraph after = Cancel.Run(graph);
            PassAssert.SameOutputs(graph, after, seed: seed, tolerance: Tolerance, context: $"seed {seed}");
            int[] composed = [.. q.Select(a => p[a])];
            bool identity = composed.Select((a, i) => a == i).All(x => x);
            Assert.Equal(identity ? 0 : 1, PassAssert.Count<TransposeNode>(after));
            Assert.Equal(chain, after.Nodes.Count(n => n.Name.StartsWith('e')));
            PassAssert.LeftAlone(Cancel, after);
        }
    }

    [Fact]
    public void An_identity_transpose_is_dropped_and_a_shared_one_stays_for_its_other_readers()
    {
        var rng = new Random(3);
        var input = new InputNode("x", new Shape(3, 4, 5));
        var identity = new TransposeNode("id", input, [0, 1, 2]);
        var t1 = new TransposeNode("t1", identity, [1, 2, 0]);
        var relu = new ReluNode("relu", t1);
        var back = new TransposeNode("t2", relu, [2, 0, 1]);
        var other = new ScaleShiftNode("other", t1, [2f], [0f]); // a second reader of t1
        var flat1 = new ReshapeNode("f1", back, new Shape(60));
        var flat2 = new ReshapeNode("f2", other, new Shape(60));
        var sum = new AddNode("sum", flat1, flat2);
        var graph = new ModelGraph(input, new DenseNode("fc", sum, TestGraphs.Random(rng, 0.5f, 4, 60), null));

        ModelGraph after = Cancel.Run(graph);
        PassAssert.SameOutputs(graph, after, tolerance: Tolerance);
        Assert.Equal(["t1"], after.Nodes.OfType<TransposeNode>().Select(t => t.Name));
        Assert.Same(after.Input, PassAssert.Node<ReluNode>(after, "relu").Inputs[0]);
    }

    [Fact]
    public void A_transpose_flattened_into_dense_layers_folds_into_their_weights()
    {
        // Keras: conv features in NHWC → Flatten → two heads.
        var rng = new Random(8);
        var input = new InputNode("x", new Shape(2, 6, 6));
        var conv = new Conv2dNode("conv", input, TestGraphs.Random(rng, 0.5f, 4, 2, 3, 3), null, Window2d.Square(3));
        var nhwc = new TransposeNode("to_nhwc", conv, [1, 2, 0]);
        var scale = new ScaleShiftNode("bias", nhwc, TestGraphs.Vector(rng, 4 * 4 * 4, -1f, 1f), [0.1f]);
        var relu = new ReluNode("relu", scale);
        var flat = new ReshapeNode("flatten", relu, new Shape(64), "Flatten");
        var head1 = new DenseNode("head1", flat, TestGraphs.Random(rng, 0.5f, 5, 64), TestGraphs.Vector(rng, 5, -0.1f, 0.1f));
        var head2 = new DenseNode("head2", flat, TestGraphs.Random(rng, 0.5f, 5, 64), null);
        var graph = new ModelGraph(input, new AddNode("sum", head1, head2));

        ModelGraph after = IntoDense.Run(graph);
        PassAssert.SameOutputs(graph, after, tolerance: Tolerance);
        Assert.Equal(0, PassAssert.Count<TransposeNode>(after));
        Assert.Same(PassAssert.Node<Conv2dNode>(after, "conv"), PassAssert.Node<ScaleShiftNode>(after, "bias").Inputs[0]);
        PassAssert.LeftAlone(IntoDense, after);
    }

    [Fact]
    public void Transposes_that_neither_cancel_nor_fold_are_left_alone()
    {
        var rng = new Random(2);
        var input = new InputNode("x", new Shape(5, 5, 2)); // NHWC
        var nchw = new TransposeNode("to_nchw", input, [2, 0, 1]);
        var conv = new Conv2dNode("conv", nchw, TestGraphs.Random(rng, 0.5f, 3, 2, 3, 3), null, Window2d.Square(3));
        var flat = new ReshapeNode("flatten", conv, new Shape(27));
        var graph = new ModelGraph(input, new DenseNode("fc", flat, TestGraphs.Random(rng, 0.5f, 4, 27), null));
        PassAssert.LeftAlone(Cancel, graph);
        PassAssert.LeftAlone(IntoDense, graph);
        // A flatten that is the graph output keeps its transpose: the output's element order is visible.
        var t = new TransposeNode("t", input, [1, 2, 0]);
        var output = new ModelGraph(input, new ReshapeNode("flat", t, new Shape(50)));
        PassAssert.LeftAlone(IntoDense, output);
    }

    [Fact]
    public void The_standard_pipeline_folds_an_NHWC_network_down_to_the_input_transpose()
    {
        var rng = new Random(12);
        var input = new InputNode("x", new Shape(6, 6, 3));
        var nchw = new TransposeNode("in_nchw", input, [2, 0, 1]);
        var conv = new Conv2dNode("conv", nchw, TestGraphs.Random(rng, 0.5f, 4, 3, 3, 3), null, Window2d.Square(3, 1, 1));
        var back = new TransposeNode("out_nhwc", conv, [1, 2, 0]);
        var relu = new ReluNode("relu", back);
        var again = new TransposeNode("in_nchw2", relu, [2, 0, 1]);
        var pool = new Pool2dNode("pool", again, PoolKind.Max, Window2d.Square(2, 2));
        var last = new TransposeNode("out_nhwc2", pool, [1, 2, 0]);
        var flat = new ReshapeNode("flatten", last, new Shape(36));
        var graph = new ModelGraph(input, new DenseNode("fc", flat, TestGraphs.Random(rng, 0.5f, 3, 36), null));
        ModelGraph after = PassPipeline.Layout.Run(graph);
        PassAssert.SameOutputs(graph, after, tolerance: Tolerance);
        Assert.Equal(["in_nchw"], after.Nodes.OfType<TransposeNode>().Select(t => t.Name));
    }
}
