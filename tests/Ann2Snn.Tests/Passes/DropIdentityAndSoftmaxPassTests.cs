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

public class ArgmaxReadoutPassTests
{
    private static readonly ArgmaxReadoutPass Pass = new();

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
    public void A_chain_of_readout_nodes_goes_in_one_run()
    {
        ModelGraph logits = TestGraphs.ResidualMlp();
        var sigmoid = new ActivationNode("sigmoid", logits.Output, ActivationKind.Sigmoid);
        var tanh = new ActivationNode("tanh", sigmoid, ActivationKind.Tanh);
        var soft = new SoftmaxNode("soft", tanh, false);
        var argmax = new ArgMaxNode("argmax", new SoftmaxNode("log", soft, true), 0, keepDims: false);
        var graph = new ModelGraph(logits.Input, argmax, logits.Name);
        Assert.Equal(["argmax", "log", "soft", "tanh", "sigmoid"], ArgmaxReadoutPass.Readout(graph).Select(n => n.Name));
        ModelGraph result = Pass.Run(graph);
        Assert.Same(logits.Output, result.Output);
        PassAssert.LeftAlone(Pass, result);

        // The class the graph outputs is the argmax of what remains.
        const int batch = 40;
        float[] x = PassAssert.Inputs(graph, batch, seed: 8);
        float[] classes = PassAssert.Run(graph, x, batch), scores = PassAssert.Run(result, x, batch);
        Assert.Equal(classes.Select(c => (int)c), Argmax(scores, 5));
        Assert.True(classes.Distinct().Count() > 1, "a constant prediction would prove nothing");
    }

    public static TheoryData<string> KeptAtTheOutput => ["hardsigmoid", "hardswish", "leaky-negative", "prelu-channels", "softmax-axis",
        "argmax-axis"];

    [Theory]
    [MemberData(nameof(KeptAtTheOutput))]
    public void Final_nodes_that_can_change_the_argmax_stay(string which)
    {
        // Each of these can reorder two outputs (flat parts, a dip, per-channel slopes, a negative slope) or works on
        // part of the sample only: dropping it could change the class, so only the preflight may refuse the graph.
        var input = new InputNode("x", new Shape(2, 3, 1));
        Node output = which switch
        {
            "hardsigmoid" => new ActivationNode("f", input, ActivationKind.HardSigmoid, 0.2f, 0.5f),
            "hardswish" => new ActivationNode("f", input, ActivationKind.HardSwish),
            "leaky-negative" => new ActivationNode("f", input, ActivationKind.LeakyRelu, -0.5f),
            "prelu-channels" => new ActivationNode("f", input, ActivationKind.PRelu, slope: [0.1f, 0.3f]),
            "softmax-axis" => new SoftmaxNode("f", input, false, 1, 1),
            _ => new ArgMaxNode("f", input, 0, keepDims: true),
        };
        var graph = new ModelGraph(input, output);
        Assert.Empty(ArgmaxReadoutPass.Readout(graph));
        PassAssert.LeftAlone(Pass, graph);
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
