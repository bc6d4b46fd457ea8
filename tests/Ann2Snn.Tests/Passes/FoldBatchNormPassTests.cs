using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Passes;

public class FoldBatchNormPassTests
{
    private static readonly FoldBatchNormPass Pass = new();

    private static BatchNormNode BatchNorm(string name, Node input, Random rng, float epsilon = 1e-5f)
    {
        int c = input.OutputShape.Channels;
        return new BatchNormNode(name, input, TestGraphs.Vector(rng, c, -2f, 2f), TestGraphs.Vector(rng, c, -1f, 1f),
            TestGraphs.Vector(rng, c, -1f, 1f), TestGraphs.Vector(rng, c, 0.05f, 3f), epsilon);
    }

    [Fact]
    public void ConvBatchNormFoldsIntoTheConvolution()
    {
        ModelGraph graph = TestGraphs.SmallCnn();
        ModelGraph folded = Pass.Run(graph);
        PassAssert.SameOutputs(graph, folded);
        Assert.Equal(0, PassAssert.Count<BatchNormNode>(folded));
        Assert.Equal(graph.Nodes.Count - 1, folded.Nodes.Count);
        // The ReLU now reads the convolution, which keeps its name and geometry.
        Conv2dNode conv = PassAssert.Node<Conv2dNode>(folded, "conv1");
        Assert.Same(conv, PassAssert.Node<ReluNode>(folded, "relu1").Inputs[0]);
        Assert.Equal(PassAssert.Node<Conv2dNode>(graph, "conv1").Window, conv.Window);
        PassAssert.LeftAlone(Pass, folded);
    }

    [Fact]
    public void ConvWithoutBiasGetsOne()
    {
        var rng = new Random(4);
        var input = new InputNode("x", new Shape(3, 5, 5));
        var conv = new Conv2dNode("conv", input, TestGraphs.Random(rng, 1f, 4, 3, 3, 3), null, Window2d.Square(3, 1, 1));
        var graph = new ModelGraph(input, BatchNorm("bn", conv, rng));
        ModelGraph folded = Pass.Run(graph);
        PassAssert.SameOutputs(graph, folded);
        Conv2dNode result = Assert.IsType<Conv2dNode>(folded.Output);   // the BN was the output: the conv takes its place
        Assert.Equal("conv", result.Name);
        Assert.NotNull(result.Bias);
    }

    [Fact]
    public void BatchNormAfterADenseOverTokensIsLeftAlone()
    {
        // Over [3 tokens, 5] the BatchNorm's channels are the tokens, not the dense layer's outputs: no fold.
        var rng = new Random(6);
        var input = new InputNode("x", new Shape(3, 7));
        var dense = new DenseNode("fc", input, TestGraphs.Random(rng, 1f, 5, 7), TestGraphs.Vector(rng, 5, -1f, 1f));
        var graph = new ModelGraph(input, new ReluNode("relu", BatchNorm("bn", dense, rng)));
        Assert.Equal(3, dense.Positions);
        PassAssert.LeftAlone(Pass, graph);
    }

    [Fact]
    public void DenseBatchNormFolds()
    {
        var rng = new Random(5);
        var input = new InputNode("x", new Shape(7));
        var dense = new DenseNode("fc", input, TestGraphs.Random(rng, 1f, 5, 7), TestGraphs.Vector(rng, 5, -1f, 1f));
        var relu = new ReluNode("relu", BatchNorm("bn", dense, rng, epsilon: 0f));
        var graph = new ModelGraph(input, relu);
        ModelGraph folded = Pass.Run(graph);
        PassAssert.SameOutputs(graph, folded);
        Assert.Equal(["x", "fc", "relu"], folded.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void DepthwiseConvBatchNormFolds()
    {
        var rng = new Random(6);
        var input = new InputNode("x", new Shape(4, 6, 6));
        var conv = new Conv2dNode("dw", input, TestGraphs.Random(rng, 1f, 4, 1, 3, 3), TestGraphs.Vector(rng, 4, -1f, 1f),
            Window2d.Square(3, 2, 1), groups: 4);
        var graph = new ModelGraph(input, new ReluNode("relu", BatchNorm("bn", conv, rng)));
        ModelGraph folded = Pass.Run(graph);
        PassAssert.SameOutputs(graph, folded);
        Assert.Equal(0, PassAssert.Count<BatchNormNode>(folded));
    }

    [Fact]
    public void ChainedBatchNormsFoldOnePerRun()
    {
        var rng = new Random(7);
        var input = new InputNode("x", new Shape(2, 4, 4));
        var conv = new Conv2dNode("conv", input, TestGraphs.Random(rng, 1f, 3, 2, 1, 1), null, Window2d.Square(1));
        var graph = new ModelGraph(input, BatchNorm("bn2", BatchNorm("bn1", conv, rng), rng));
        PassAssert.FoldsOnePerRun<BatchNormNode>(Pass, graph, "bn2");
    }

    [Fact]
    public void BatchNormReadBySeveralNodesFolds()
    {
        // Only the producer must have a single consumer; the BN's own consumers all read the folded conv.
        var rng = new Random(10);
        var input = new InputNode("x", new Shape(5));
        var dense = new DenseNode("fc", input, TestGraphs.Random(rng, 1f, 5, 5), null);
        BatchNormNode bn = BatchNorm("bn", dense, rng);
        var graph = new ModelGraph(input, new AddNode("add", new ReluNode("relu", bn), bn));
        ModelGraph folded = Pass.Run(graph);
        PassAssert.SameOutputs(graph, folded);
        Assert.Equal(2, folded.ConsumerCount(PassAssert.Node<DenseNode>(folded, "fc")));
    }

    [Fact]
    public void BatchNormOfASharedConvOutputStays()
    {
        // conv feeds both the BN and a residual path that needs the un-normalized values.
        var rng = new Random(8);
        var input = new InputNode("x", new Shape(2, 4, 4));
        var conv = new Conv2dNode("conv", input, TestGraphs.Random(rng, 1f, 2, 2, 3, 3), null, Window2d.Square(3, 1, 1));
        var add = new AddNode("add", BatchNorm("bn", conv, rng), new ReluNode("relu", conv));
        PassAssert.LeftAlone(Pass, new ModelGraph(input, add));
    }

    [Fact]
    public void BatchNormAfterANonWeightedNodeStays()
    {
        var rng = new Random(9);
        var input = new InputNode("x", new Shape(3, 4, 4));
        PassAssert.LeftAlone(Pass, new ModelGraph(input, BatchNorm("bn", input, rng)));
        PassAssert.LeftAlone(Pass, new ModelGraph(input,
            new ReluNode("relu", BatchNorm("bn", new Pool2dNode("pool", input, PoolKind.Average, Window2d.Square(2, 2)), rng))));
    }

    [Fact]
    public void FoldingIsEquivalentForRandomGeometryAndStatistics()
    {
        for (int seed = 0; seed < 120; seed++)
        {
            var rng = new Random(seed);
            ModelGraph graph;
            string description;
            if (seed % 4 == 3)
            {
                int inF = rng.Next(1, 12), outF = rng.Next(1, 12);
                var input = new InputNode("x", new Shape(inF));
                float[]? bias = rng.Next(2) == 0 ? null : TestGraphs.Vector(rng, outF, -1f, 1f);
                var dense = new DenseNode("fc", input, TestGraphs.Random(rng, 1f, outF, inF), bias);
                graph = new ModelGraph(input, BatchNorm("bn", dense, rng, RandomEpsilon(rng)));
                description = $"dense {inF}→{outF}";
            }
            else
            {
                RandomConv c = RandomConv.Draw(rng, padded: rng.Next(2) == 0);
                var input = new InputNode("x", c.Input);
                graph = new ModelGraph(input, BatchNorm("bn", c.Build("conv", input), rng, RandomEpsilon(rng)));
                description = c.ToString();
            }
            ModelGraph folded = Pass.Run(graph);
            Assert.True(PassAssert.Count<BatchNormNode>(folded) == 0, $"seed {seed}, {description}: BN left");
            PassAssert.SameOutputs(graph, folded, batch: 3, seed: seed, context: $"seed {seed}, {description}");
        }

        static float RandomEpsilon(Random rng) => new[] { 0f, 1e-5f, 1e-3f, 0.1f }[rng.Next(4)];
    }
}
