using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

/// <summary>The linear tail after the last ReLU folds into one dense readout projection.</summary>
public class LinearReadoutTests
{
    /// <summary>Input[2,6,6] → Conv8(3×3) → ReLU → Conv10(1×1) → BN → GlobalAvgPool → Flatten: an all-convolutional head.</summary>
    private static ModelGraph ConvHead(int seed)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(2, 6, 6));
        var c1 = new Conv2dNode("conv1", input, TestGraphs.Random(rng, 0.6f, 8, 2, 3, 3), TestGraphs.Vector(rng, 8, -0.1f, 0.2f),
            Window2d.Square(3, 1, 1));
        var r1 = new ReluNode("relu1", c1);
        var head = new Conv2dNode("head", r1, TestGraphs.Random(rng, 0.5f, 10, 8, 1, 1), TestGraphs.Vector(rng, 10, -0.1f, 0.1f),
            Window2d.Square(1));
        var bn = new BatchNormNode("bn", head, TestGraphs.Vector(rng, 10, 0.5f, 1.5f), TestGraphs.Vector(rng, 10, -0.2f, 0.2f),
            TestGraphs.Vector(rng, 10, -0.1f, 0.1f), TestGraphs.Vector(rng, 10, 0.5f, 2f), 1e-5f);
        var gap = new GlobalAvgPoolNode("gap", bn);
        return new ModelGraph(input, new ReshapeNode("flatten", gap, new Shape(10), "Flatten"), "conv_head");
    }

    /// <summary>Input[12] → Dense 16 → ReLU → Dense 8 → Dense 4 → Softmax: two dense layers with no ReLU between.</summary>
    private static ModelGraph DenseDense(int seed)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(12));
        var d1 = new DenseNode("d1", input, TestGraphs.Random(rng, 0.5f, 16, 12), TestGraphs.Vector(rng, 16, -0.1f, 0.2f));
        var d2 = new DenseNode("d2", new ReluNode("r1", d1), TestGraphs.Random(rng, 0.5f, 8, 16), TestGraphs.Vector(rng, 8, -0.1f, 0.1f));
        var d3 = new DenseNode("d3", d2, TestGraphs.Random(rng, 0.5f, 4, 8), TestGraphs.Vector(rng, 4, -0.1f, 0.1f));
        return new ModelGraph(input, new SoftmaxNode("softmax", d3, log: false), "dense_dense");
    }

    public static TheoryData<string, int> Heads => new() { { "conv", 1 }, { "conv", 2 }, { "dense", 3 }, { "dense", 4 } };

    private static ModelGraph Head(string kind, int seed) => kind == "conv" ? ConvHead(seed) : DenseDense(seed);

    [Theory]
    [MemberData(nameof(Heads))]
    public void Fold_keeps_every_output_and_leaves_one_dense_after_the_last_relu(string kind, int seed)
    {
        ModelGraph graph = Head(kind, seed);
        ModelGraph folded = LinearReadout.Fold(graph);
        Assert.NotSame(graph, folded);
        Node[] afterRelu = [.. folded.Nodes.SkipWhile(n => n is not ReluNode).Skip(1)];
        Assert.Single(afterRelu, n => n is DenseNode or Conv2dNode);
        Assert.DoesNotContain(afterRelu, n => n is GlobalAvgPoolNode or BatchNormNode);

        const int count = 16;
        float[] x = TestGraphs.Vector(new Random(seed + 50), count * graph.Input.OutputShape.Size, -1f, 2f);
        float[] expected = new AnnExecutor(graph).Forward(x, count), actual = new AnnExecutor(folded).Forward(x, count);
        Assert.Equal(expected.Length, actual.Length);
        float scale = expected.Max(MathF.Abs);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5f * (1 + scale), $"output {k}: {expected[k]} before, {actual[k]} folded");
        }
    }

    [Fact]
    public void Tails_that_convert_as_they_are_are_left_alone()
    {
        foreach (ModelGraph g in new[] { TestGraphs.SmallCnn(), TestGraphs.ResidualMlp(), TestGraphs.ConvZoo() })
        {
            Assert.Same(g, LinearReadout.Fold(g));
        }
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Preflight_puts_the_head_in_the_readout_and_the_snn_converges_to_the_ann(string kind, int seed)
    {
        ModelGraph graph = Head(kind, seed);
        PreflightReport preflight = Preflight.Check(graph);
        Assert.True(preflight.Convertible, string.Join("; ", preflight.Blockers.Select(b => $"{b.Node}: {b.Message}")));
        Assert.Contains(preflight.Findings, f => f.Message.StartsWith("part of the linear readout", StringComparison.Ordinal));

        const int count = 16;
        float[] x = TestGraphs.Inputs(new Random(seed), count, graph.Input.OutputShape.Size);
        ModelGraph prepared = Converter.Prepare(graph, out IReadOnlyList<string> applied);
        Assert.Contains("linear-readout", applied);
        CalibrationStatistics stats = Calibration.Collect(prepared, [(x, count)], count);
        var net = Converter.Convert(prepared, stats, new ConversionOptions { Normalization = NormalizationKind.Max }, applied).Network;
        float[] ann = new AnnExecutor(prepared).Forward(x, count);
        SimulationResult r = new DenseSimulator().Run(net, [new DataBatch(x, new int[count], count)],
            new SimulationOptions { Timesteps = 1024, KeepOutputs = true });
        int outputs = prepared.Output.OutputShape.Size;
        double scale = ann.Max(MathF.Abs), error = 0;
        for (int b = 0; b < count; b++)
        {
            for (int k = 0; k < outputs; k++) error = Math.Max(error, Math.Abs(r.Outputs[b][k] - ann[b * outputs + k]));
        }
        Assert.True(error < 0.05 * scale, $"max |SNN − ANN| = {error:g3} at T=1024, output scale {scale:g3}");
    }

    [Fact]
    public void A_tail_too_large_to_measure_is_refused_naming_it()
    {
        var rng = new Random(1);
        var input = new InputNode("input", new Shape(64, 40, 40));
        var r = new ReluNode("relu", input);
        var head = new Conv2dNode("head", r, TestGraphs.Random(rng, 0.5f, 64, 64, 1, 1), null, Window2d.Square(1));
        var graph = new ModelGraph(input, new GlobalAvgPoolNode("gap", head), "huge");
        var e = Assert.Throws<UnsupportedOperatorException>(() => LinearReadout.Fold(graph));
        Assert.Contains("'gap'", e.Message);
        Assert.Contains("too large", e.Message);
    }
}
