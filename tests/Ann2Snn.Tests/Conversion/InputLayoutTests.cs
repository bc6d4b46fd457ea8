using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

/// <summary>An NHWC model's input Transpose becomes the spiking network's input layout.</summary>
public class InputLayoutTests
{
    /// <summary>Input[5, 5, 2] (HWC) → Transpose to [2, 5, 5] → Conv6(3×3, p1) → ReLU → GlobalAvgPool → Flatten → Dense(6→4).</summary>
    private static ModelGraph Nhwc(int seed)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(5, 5, 2));
        var t = new TransposeNode("to_nchw", input, [2, 0, 1]);
        var conv = new Conv2dNode("conv", t, TestGraphs.Random(rng, 0.6f, 6, 2, 3, 3), TestGraphs.Vector(rng, 6, -0.1f, 0.2f),
            Window2d.Square(3, 1, 1));
        var gap = new GlobalAvgPoolNode("gap", new ReluNode("relu", conv));
        var flat = new ReshapeNode("flatten", gap, new Shape(6), "Flatten");
        return new ModelGraph(input, new DenseNode("fc", flat, TestGraphs.Random(rng, 0.5f, 4, 6), null), "nhwc");
    }

    [Fact]
    public void The_input_transpose_becomes_the_layout_and_the_snn_follows_the_ann()
    {
        ModelGraph graph = Nhwc(3);
        PreflightReport preflight = Preflight.Check(graph);
        Assert.True(preflight.Convertible, string.Join("; ", preflight.Blockers.Select(b => $"{b.Node}: {b.Message}")));
        Assert.Contains(preflight.Findings,
            f => f.Node == "to_nchw" && f.Message.StartsWith("becomes the input layout", StringComparison.Ordinal));

        const int count = 32;
        float[] nhwc = TestGraphs.Inputs(new Random(5), count, 50);
        var calibration = new ArrayDataset(nhwc, new int[count], new Shape(5, 5, 2));
        var options = new ConversionOptions { Normalization = NormalizationKind.Max };
        ConversionResult result = ConversionPipeline.Run(graph, calibration, options);
        Assert.Equal(new Shape(2, 5, 5), result.Network.InputShape);

        // The same images in the network's layout: the ANN on NHWC and the SNN on NCHW agree as T grows.
        float[] nchw = new AnnExecutor(new ModelGraph(graph.Input, graph.Nodes.OfType<TransposeNode>().Single())).Forward(nhwc, count);
        float[] ann = new AnnExecutor(graph).Forward(nhwc, count);
        SimulationResult snn = new DenseSimulator().Run(result.Network, [new DataBatch(nchw, new int[count], count)],
            new SimulationOptions { Timesteps = 1024, KeepOutputs = true });
        double scale = ann.Max(MathF.Abs), error = 0;
        for (int b = 0; b < count; b++)
        {
            for (int k = 0; k < 4; k++) error = Math.Max(error, Math.Abs(snn.Outputs[b][k] - ann[b * 4 + k]));
        }
        Assert.True(error < 0.05 * scale, $"max |SNN − ANN| = {error:g3} at T=1024, output scale {scale:g3}");

        // Calibration saw the images in the prepared graph's layout: the same statistics as calibrating it on NCHW.
        ModelGraph prepared = Converter.Prepare(graph, out _);
        Func<float[], int, float[]> layout = ConversionPipeline.InputLayout(graph, prepared);
        Assert.Equal(nchw, layout(nhwc, count));
    }

    [Fact]
    public void A_transpose_that_is_not_the_inputs_only_consumer_stays()
    {
        var input = new InputNode("input", new Shape(3, 4));
        var t = new TransposeNode("t", input, [1, 0]);
        var add = new AddNode("add", new ReshapeNode("r1", t, new Shape(12)), new ReshapeNode("r2", input, new Shape(12)));
        var graph = new ModelGraph(input, add, "two_consumers");
        Assert.Null(AbsorbInputTransposePass.Absorbable(graph));
        Assert.Same(graph, new AbsorbInputTransposePass().Run(graph));
    }
}
