using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Passes;

public class FoldInputScalingPassTests
{
    private static readonly FoldInputScalingPass Pass = new();

    private static (InputNode Input, ScaleShiftNode Scaling) Normalize(Shape shape, float[] scale, float[] shift)
    {
        var input = new InputNode("x", shape);
        return (input, new ScaleShiftNode("normalize", input, scale, shift, "Sub/Div"));
    }

    [Fact]
    public void PerChannelNormalizationFoldsIntoAnUnpaddedConv()
    {
        // (x − mean) / std per channel, the usual image normalization.
        var rng = new Random(1);
        var (input, norm) = Normalize(new Shape(3, 6, 6), [1 / 0.229f, 1 / 0.224f, 1 / 0.225f],
            [-0.485f / 0.229f, -0.456f / 0.224f, -0.406f / 0.225f]);
        var conv = new Conv2dNode("conv", norm, TestGraphs.Random(rng, 1f, 4, 3, 3, 3), TestGraphs.Vector(rng, 4, -1f, 1f),
            Window2d.Square(3, 2));
        var graph = new ModelGraph(input, new ReluNode("relu", conv));
        ModelGraph folded = Pass.Run(graph);
        PassAssert.SameOutputs(graph, folded);
        Assert.Equal(0, PassAssert.Count<ScaleShiftNode>(folded));
        Assert.Same(folded.Input, PassAssert.Node<Conv2dNode>(folded, "conv").Inputs[0]);
        PassAssert.LeftAlone(Pass, folded);
    }

    [Fact]
    public void MapsBeforeADenseOverTokensAreLeftAlone()
    {
        // Over [3 tokens, 4] a per-channel map is per token: the shared weights cannot absorb it (nor is it tried for a scalar).
        var rng = new Random(3);
        foreach (var (scale, shift) in new (float[], float[])[] { ([0.5f, 2f, 1f], [0.1f, -1f, 0.5f]), ([2f], [-1f]) })
        {
            var (input, norm) = Normalize(new Shape(3, 4), scale, shift);
            var dense = new DenseNode("fc", norm, TestGraphs.Random(rng, 1f, 5, 4), null);
            PassAssert.LeftAlone(Pass, new ModelGraph(input, new ReluNode("relu", dense)));
        }
    }

    [Fact]
    public void ScalarAndPerElementMapsFoldIntoDense()
    {
        var rng = new Random(2);
        foreach (var (scale, shift) in new[] { ([0.5f], [-1f]), (TestGraphs.Vector(rng, 10, 0.1f, 2f), TestGraphs.Vector(rng, 10, -1f, 1f)),
            ([3f], TestGraphs.Vector(rng, 10, -1f, 1f)) })
        {
            var (input, norm) = Normalize(new Shape(10), scale, shift);
            var graph = new ModelGraph(input, new DenseNode("fc", norm, TestGraphs.Random(rng, 1f, 4, 10), null));
            ModelGraph folded = Pass.Run(graph);
            PassAssert.SameOutputs(graph, folded);
            Assert.Equal(["x", "fc"], folded.Nodes.Select(n => n.Name));
        }
    }

    [Fact]
    public void ScaleWithoutShiftFoldsIntoAPaddedConv()
    {
        // Padding sees zeros either way when nothing is added.
        var rng = new Random(3);
        var (input, norm) = Normalize(new Shape(2, 5, 5), [2f, -0.5f], [0f]);
        var graph = new ModelGraph(input,
            new Conv2dNode("conv", norm, TestGraphs.Random(rng, 1f, 3, 2, 3, 3), null, Window2d.Square(3, 1, 1)));
        ModelGraph folded = Pass.Run(graph);
        PassAssert.SameOutputs(graph, folded);
        Assert.Equal(0, PassAssert.Count<ScaleShiftNode>(folded));
    }

    [Fact]
    public void ShiftIsNotFoldedIntoAPaddedConv()
    {
        // A padded cell would see 0 instead of the shift: folding would change the border outputs.
        var rng = new Random(4);
        var (input, norm) = Normalize(new Shape(2, 5, 5), [2f], [0.5f, -0.25f]);
        PassAssert.LeftAlone(Pass, new ModelGraph(input,
            new Conv2dNode("conv", norm, TestGraphs.Random(rng, 1f, 3, 2, 3, 3), null, new Window2d(3, 3, 1, 1, 0, 0, 1, 0))));
    }

    [Fact]
    public void PerElementScaleIsNotFoldedIntoAConv()
    {
        // A convolution shares its kernel across positions: a gain that varies within a channel cannot move into it.
        var rng = new Random(5);
        var shape = new Shape(2, 4, 4);
        var (input, norm) = Normalize(shape, TestGraphs.Vector(rng, shape.Size, 0.5f, 2f), [0f]);
        PassAssert.LeftAlone(Pass, new ModelGraph(input,
            new Conv2dNode("conv", norm, TestGraphs.Random(rng, 1f, 3, 2, 3, 3), null, Window2d.Square(3))));
        var (input2, shifted) = Normalize(shape, [1f], TestGraphs.Vector(rng, shape.Size, -1f, 1f));
        PassAssert.LeftAlone(Pass, new ModelGraph(input2,
            new Conv2dNode("conv", shifted, TestGraphs.Random(rng, 1f, 3, 2, 3, 3), null, Window2d.Square(3))));
    }

    [Fact]
    public void ScalingWithSeveralConsumersOrNoWeightedConsumerStays()
    {
        var rng = new Random(6);
        var (input, norm) = Normalize(new Shape(4), [2f], [1f]);
        var a = new DenseNode("a", norm, TestGraphs.Random(rng, 1f, 4, 4), null);
        PassAssert.LeftAlone(Pass, new ModelGraph(input, new AddNode("add", a, norm)));
        PassAssert.LeftAlone(Pass, new ModelGraph(input, new ReluNode("relu", norm)));
        PassAssert.LeftAlone(Pass, new ModelGraph(input, norm));   // the output itself
        // Behind a flatten the consumer is the reshape, not the dense layer: left for the converter.
        var (image, imageNorm) = Normalize(new Shape(1, 2, 2), [2f], [1f]);
        var flat = new ReshapeNode("flatten", imageNorm, new Shape(4), "Flatten");
        PassAssert.LeftAlone(Pass, new ModelGraph(image, new DenseNode("fc", flat, TestGraphs.Random(rng, 1f, 3, 4), null)));
    }

    [Fact]
    public void StackedScalingsFoldOnePerRun()
    {
        var rng = new Random(7);
        var (input, sub) = Normalize(new Shape(6), [1f], [-0.5f]);
        var div = new ScaleShiftNode("div", sub, [4f], [0f], "Div");
        var graph = new ModelGraph(input, new DenseNode("fc", div, TestGraphs.Random(rng, 1f, 3, 6), TestGraphs.Vector(rng, 3, -1f, 1f)));
        PassAssert.FoldsOnePerRun<ScaleShiftNode>(Pass, graph, "normalize");
    }

    [Fact]
    public void FoldingIsEquivalentForRandomConvGeometryAndScaling()
    {
        int folded = 0, refused = 0;
        for (int seed = 0; seed < 120; seed++)
        {
            var rng = new Random(seed);
            bool padded = rng.Next(2) == 0;
            RandomConv c = RandomConv.Draw(rng, padded);
            int channels = c.Input.Channels;
            float[] scale = rng.Next(2) == 0 ? [Gain(rng)] : Enumerable.Range(0, channels).Select(_ => Gain(rng)).ToArray();
            float[] shift = rng.Next(3) switch
            {
                0 => [0f],
                1 => TestGraphs.Vector(rng, 1, -1f, 1f),
                _ => TestGraphs.Vector(rng, channels, -1f, 1f),
            };
            var (input, norm) = Normalize(c.Input, scale, shift);
            var graph = new ModelGraph(input, c.Build("conv", norm));
            ModelGraph result = Pass.Run(graph);
            string context = $"seed {seed}, {c}, scale ×{scale.Length}, shift ×{shift.Length}";
            bool foldable = !padded || shift.All(t => t == 0f);
            if (foldable)
            {
                Assert.True(PassAssert.Count<ScaleShiftNode>(result) == 0, $"{context}: not folded");
                folded++;
            }
            else
            {
                Assert.Same(graph, result);
                refused++;
            }
            PassAssert.SameOutputs(graph, result, batch: 3, seed: seed, context: context);
        }
        Assert.True(folded > 40 && refused > 10, $"{folded} folded, {refused} refused: the generator misses a case");
    }

    [Fact]
    public void FoldingIsEquivalentForRandomDenseScaling()
    {
        for (int seed = 0; seed < 60; seed++)
        {
            var rng = new Random(seed);
            int inF = rng.Next(1, 16), outF = rng.Next(1, 8);
            float[] scale = rng.Next(2) == 0 ? [Gain(rng)] : Enumerable.Range(0, inF).Select(_ => Gain(rng)).ToArray();
            float[] shift = rng.Next(2) == 0 ? TestGraphs.Vector(rng, 1, -1f, 1f) : TestGraphs.Vector(rng, inF, -1f, 1f);
            var (input, norm) = Normalize(new Shape(inF), scale, shift);
            float[]? bias = rng.Next(2) == 0 ? null : TestGraphs.Vector(rng, outF, -1f, 1f);
            var graph = new ModelGraph(input, new DenseNode("fc", norm, TestGraphs.Random(rng, 1f, outF, inF), bias));
            ModelGraph result = Pass.Run(graph);
            string context = $"seed {seed}, dense {inF}→{outF}, scale ×{scale.Length}, shift ×{shift.Length}";
            Assert.True(PassAssert.Count<ScaleShiftNode>(result) == 0, $"{context}: not folded");
            PassAssert.SameOutputs(graph, result, batch: 3, seed: seed, context: context);
        }
    }

    /// <summary>A gain of either sign, away from 0.</summary>
    private static float Gain(Random rng) => (rng.Next(2) == 0 ? -1f : 1f) * (float)(0.1 + rng.NextDouble() * 3);
}
