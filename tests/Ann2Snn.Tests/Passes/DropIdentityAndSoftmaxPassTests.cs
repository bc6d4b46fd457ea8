using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Passes;

public class DropIdentityPassTests
{
    private static readonly DropIdentityPass Pass = new();

    [Fact]
    public void IdentityAndDropoutNodesDisappear()
    {
        var rng = new Random(1);
        var input = new InputNode("x", new Shape(2, 5, 5));
        var id = new IdentityNode("id", input);
        var conv = new Conv2dNode("conv", id, TestGraphs.Random(rng, 1f, 3, 2, 3, 3), TestGraphs.Vector(rng, 3, -1f, 1f),
            Window2d.Square(3, 1, 1));
        var dropout = new IdentityNode("dropout", conv, "Dropout");
        var relu = new ReluNode("relu", dropout);
        // A branch: both consumers of a dropout are rewired to its input.
        var drop2 = new IdentityNode("dropout2", relu, "Dropout");
        var add = new AddNode("add", new ScaleShiftNode("half", drop2, [0.5f], [0f]), drop2);
        var graph = new ModelGraph(input, new IdentityNode("out", add));
        ModelGraph result = Pass.Run(graph);
        PassAssert.SameOutputs(graph, result);
        Assert.Equal(0, PassAssert.Count<IdentityNode>(result));
        Assert.Equal(["x", "conv", "relu", "half", "add"], result.Nodes.Select(n => n.Name));
        Assert.Equal("add", result.Output.Name);
        Assert.Equal(2, result.ConsumerCount(PassAssert.Node<ReluNode>(result, "relu")));
        PassAssert.LeftAlone(Pass, result);
    }

    [Fact]
    public void AGraphOfOnlyIdentitiesCollapsesToItsInput()
    {
        var input = new InputNode("x", new Shape(3));
        ModelGraph result = Pass.Run(new ModelGraph(input, new IdentityNode("b", new IdentityNode("a", input))));
        Assert.Same(input, result.Output);
        Assert.Single(result.Nodes);
    }

    [Fact]
    public void GraphWithoutIdentityIsLeftAlone() => PassAssert.LeftAlone(Pass, TestGraphs.SmallCnn());
}

public class SoftmaxToArgmaxPassTests
{
    private static readonly SoftmaxToArgmaxPass Pass = new();

    private static int[] Argmax(float[] values, int classes) =>
        Enumerable.Range(0, values.Length / classes)
            .Select(b => Array.IndexOf(values, values.AsSpan(b * classes, classes).ToArray().Max(), b * classes) - b * classes).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FinalSoftmaxIsDroppedAndTheArgmaxKept(bool log)
    {
        ModelGraph logits = TestGraphs.ResidualMlp();
        var graph = new ModelGraph(logits.Input, new SoftmaxNode("softmax", logits.Output, log), logits.Name);
        ModelGraph result = Pass.Run(graph);
        Assert.Same(logits.Output, result.Output);
        Assert.Equal(0, PassAssert.Count<SoftmaxNode>(result));
        Assert.Equal(graph.Name, result.Name);

        const int batch = 32;
        float[] x = PassAssert.Inputs(graph, batch, seed: 3);
        float[] probabilities = PassAssert.Run(graph, x, batch), scores = PassAssert.Run(result, x, batch);
        Assert.Equal(Argmax(probabilities, 5), Argmax(scores, 5));
        Assert.True(Argmax(scores, 5).Distinct().Count() > 1, "a constant prediction would prove nothing");
        // What remains is exactly the logits.
        Assert.Equal(PassAssert.Run(logits, x, batch), scores);
        PassAssert.LeftAlone(Pass, result);
    }

    [Fact]
    public void StackedSoftmaxesGoOnePerRun()
    {
        ModelGraph logits = TestGraphs.ResidualMlp();
        var graph = new ModelGraph(logits.Input, new SoftmaxNode("log", new SoftmaxNode("soft", logits.Output, false), true));
        ModelGraph once = Pass.Run(graph);
        Assert.Equal("soft", once.Output.Name);
        Assert.Same(logits.Output, Pass.Run(once).Output);
    }

    [Fact]
    public void SoftmaxInsideTheNetworkStays()
    {
        // Not monotonic per output once mixed by a later layer: only the preflight may refuse this graph, not a pass.
        var rng = new Random(2);
        var input = new InputNode("x", new Shape(4));
        var dense = new DenseNode("fc", new SoftmaxNode("softmax", input, log: false), TestGraphs.Random(rng, 1f, 3, 4), null);
        PassAssert.LeftAlone(Pass, new ModelGraph(input, dense));
        PassAssert.LeftAlone(Pass, TestGraphs.SmallCnn());
    }
}
