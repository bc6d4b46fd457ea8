using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Passes;

public class PassPipelineTests
{
    /// <summary>
    /// x → Sub/Div → Dropout → Conv → BN → Dropout → BN → ReLU → AvgPool → Flatten → Dense → Softmax: every pass has
    /// work, and some only after another ran (the scaling reaches the conv once the dropout is gone; the second BN
    /// reaches the conv once the first is folded and the dropout between them dropped).
    /// </summary>
    private static ModelGraph Messy()
    {
        var rng = new Random(12);
        var input = new InputNode("x", new Shape(2, 6, 6));
        var norm = new ScaleShiftNode("normalize", input, [1 / 0.3f, 1 / 0.2f], [-0.5f / 0.3f, -0.4f / 0.2f], "Sub/Div");
        var conv = new Conv2dNode("conv", new IdentityNode("drop0", norm, "Dropout"), TestGraphs.Random(rng, 0.5f, 4, 2, 3, 3), null,
            Window2d.Square(3));
        BatchNormNode Bn(string name, Node x) => new(name, x, TestGraphs.Vector(rng, 4, 0.5f, 1.5f), TestGraphs.Vector(rng, 4, -0.2f, 0.2f),
            TestGraphs.Vector(rng, 4, -0.3f, 0.3f), TestGraphs.Vector(rng, 4, 0.5f, 2f), 1e-5f);
        var bn2 = Bn("bn2", new IdentityNode("drop1", Bn("bn1", conv), "Dropout"));
        var pool = new Pool2dNode("pool", new ReluNode("relu", bn2), PoolKind.Average, Window2d.Square(2, 2));
        var flat = new ReshapeNode("flatten", pool, new Shape(16), "Flatten");
        var fc = new DenseNode("fc", flat, TestGraphs.Random(rng, 0.5f, 3, 16), TestGraphs.Vector(rng, 3, -0.1f, 0.1f));
        return new ModelGraph(input, new SoftmaxNode("softmax", fc, log: false), "messy");
    }

    [Fact]
    public void StandardPipelineRunsToAFixedPoint()
    {
        ModelGraph graph = Messy();
        ModelGraph result = PassPipeline.Standard.Run(graph, out var applied);
        Assert.Equal(["x", "conv", "relu", "pool", "flatten", "fc"], result.Nodes.Select(n => n.Name));
        Assert.Equal(["drop-identity", "fold-batchnorm", "fold-input-scaling", "argmax-readout", "fold-batchnorm"], applied);
        // Everything but the final softmax is exact: compare with the graph whose output is the logits.
        PassAssert.SameOutputs(new ModelGraph(graph.Input, graph.Output.Inputs[0]), result, batch: 8);

        Assert.Same(result, PassPipeline.Standard.Run(result, out var again));
        Assert.Empty(again);
    }

    [Fact]
    public void EmptyPipelineChangesNothing()
    {
        ModelGraph graph = Messy();
        Assert.Same(graph, new PassPipeline("none").Run(graph, out var applied));
        Assert.Empty(applied);
    }
}

public class GraphRewriterTests
{
    /// <summary>One node of every type.</summary>
    private static ModelGraph EveryNodeType()
    {
        var rng = new Random(21);
        var input = new InputNode("x", new Shape(2, 6, 6));
        var conv = new Conv2dNode("conv", input, TestGraphs.Random(rng, 0.5f, 4, 2, 3, 3), TestGraphs.Vector(rng, 4, -0.1f, 0.1f),
            Window2d.Square(3, 1, 1));
        var bn = new BatchNormNode("bn", conv, [1f, 2f, 0.5f, 1f], [0f, 0.1f, 0f, -0.1f], [0f, 0f, 0.1f, 0f], [1f, 1f, 2f, 0.5f], 1e-5f);
        var relu = new ReluNode("relu", bn);
        var clip = new ClipNode("clip", new ScaleShiftNode("ss", conv, [0.5f], [0.1f]), 0f, 6f);
        var add = new AddNode("add", relu, clip);
        var cat = new ConcatNode("cat", [add, new IdentityNode("id", relu)]);
        var max = new Pool2dNode("max", cat, PoolKind.Max, Window2d.Square(2, 2));
        var avg = new Pool2dNode("avg", max, PoolKind.Average, Window2d.Square(2, 1, 1), countIncludePad: true);
        var gap = new GlobalAvgPoolNode("gap", avg);
        var flat = new ReshapeNode("flatten", gap, new Shape(8), "Flatten");
        var fc = new DenseNode("fc", flat, TestGraphs.Random(rng, 0.5f, 3, 8), null);
        return new ModelGraph(input, new SoftmaxNode("softmax", fc, log: true), "every");
    }

    [Fact]
    public void IdentityRewriteKeepsEveryNode()
    {
        ModelGraph graph = EveryNodeType();
        ModelGraph same = GraphRewriter.Rebuild(graph, GraphRewriter.WithInputs);
        Assert.Equal(graph.Nodes, same.Nodes);   // reference-equal, node by node
    }

    [Fact]
    public void ReplacingTheInputCopiesEveryNodeFaithfully()
    {
        ModelGraph graph = EveryNodeType();
        var input = new InputNode("x", graph.Input.OutputShape);
        ModelGraph copy = GraphRewriter.Rebuild(graph, (n, inputs) => n is InputNode ? input : GraphRewriter.WithInputs(n, inputs));
        Assert.Same(input, copy.Input);
        Assert.Equal(graph.Nodes.Select(n => (n.Name, n.Op, n.OutputShape, n.Describe())),
            copy.Nodes.Select(n => (n.Name, n.Op, n.OutputShape, n.Describe())));
        Assert.All(copy.Nodes.Zip(graph.Nodes), p => Assert.NotSame(p.Second, p.First));
        PassAssert.SameOutputs(graph, copy);
        float[] x = PassAssert.Inputs(graph, 2, 5);
        Assert.Equal(PassAssert.Run(graph, x, 2), PassAssert.Run(copy, x, 2));
    }
}
