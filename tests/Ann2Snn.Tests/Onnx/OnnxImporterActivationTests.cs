using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;
using Onnx;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// Activations, softmax over axes, ArgMax and the reductions: each imported to its IR node, then run by our executor
/// and by ONNX Runtime on the same random batch; the outputs must agree.
/// </summary>
public sealed class OnnxImporterActivationTests
{
    private const int Batch = 3;

    /// <summary>
    /// Runs the imported graph and ONNX Runtime (on <paramref name="oracle"/>, the same model unless given) on a random
    /// batch; asserts equal sizes (equal dims too when <paramref name="sameDims"/>) and values within 1e-5 relative.
    /// </summary>
    private static ModelGraph AssertAgreesWithOrt(OnnxBuilder builder, OnnxBuilder? oracle = null, bool sameDims = true, bool ties = false)
    {
        ModelGraph graph = Import(builder);
        int inSize = graph.Input.OutputShape.Size, outSize = graph.Output.OutputShape.Size;
        float[] x = TestData.Uniform(inSize + outSize, Batch * inSize, 5f);
        if (ties) x = [.. x.Select(v => MathF.Round(v))];
        var (expected, dims) = Ort.Run((oracle ?? builder).ToBytes(), x, [Batch, .. graph.Input.OutputShape]);
        if (sameDims) Assert.Equal([Batch, .. graph.Output.OutputShape], dims);
        float[] actual = new AnnExecutor(graph).Forward(x, Batch);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: ONNX Runtime {expected[i]}, ours {actual[i]}");
        }
        return graph;
    }

    [Fact]
    public void The_new_ops_are_in_the_list_of_supported_ops()
    {
        string[] listed = OnnxImporter.SupportedOps.Split(", ");
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        foreach (string op in new[] { "ArgMax", "Elu", "HardSigmoid", "HardSwish", "LeakyRelu", "LogSoftmax", "PRelu", "ReduceMean",
            "ReduceProd", "ReduceSum", "ReduceSumSquare", "Sigmoid", "Softmax", "Tanh" })
        {
            Assert.Contains(op, listed);
        }
    }

    public static TheoryData<string, int, float?, float?> Activations => new()
    {
        { "Sigmoid", 13, null, null },
        { "Tanh", 13, null, null },
        { "LeakyRelu", 9, null, null },
        { "LeakyRelu", 16, 0.2f, null },
        { "Elu", 13, null, null },
        { "Elu", 13, 0.5f, null },
        { "HardSigmoid", 13, null, null },
        { "HardSigmoid", 13, 0.3f, 0.4f },
        { "HardSwish", 14, null, null },
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Activation_becomes_ActivationNode_with_ONNX_defaults(string op, int opset, float? alpha, float? beta)
    {
        var attrs = new List<AttributeProto>();
        if (alpha is { } a) attrs.Add(OnnxAttr.Float("alpha", a));
        if (beta is { } b) attrs.Add(OnnxAttr.Float("beta", b));
        var model = new OnnxBuilder(opset).Input("x", 3, 4, 5).Node(op, ["x"], "y", [.. attrs]).Output("y");
        ActivationNode node = Single<ActivationNode>(AssertAgreesWithOrt(model));
        Assert.Equal(op, node.Op);
        Assert.Equal(Enum.Parse<ActivationKind>(op), node.Kind);
        float expectedAlpha = alpha ?? op switch { "LeakyRelu" => 0.01f, "Elu" => 1f, "HardSigmoid" => 0.2f, _ => 0f };
        Assert.Equal((expectedAlpha, beta ?? (op == "HardSigmoid" ? 0.5f : 0f)), (node.Alpha, node.Beta));
    }

    public static TheoryData<int[], int[], int> Slopes => new()
    {
        // input dims, slope dims, slope values kept (1, C or every element)
        { [3, 4, 5], [3, 1, 1], 3 },
        { [3, 4, 5], [1], 1 },
        { [3, 4, 5], [5], 60 },
        { [3, 4, 5], [1, 3, 4, 5], 60 },
        { [6], [6], 6 },
    };

    [Theory]
    [MemberData(nameof(Slopes))]
    public void PRelu_slope_broadcasts_onto_the_input(int[] input, int[] slopeDims, int kept)
    {
        int count = slopeDims.Aggregate(1, (p, d) => p * d);
        var model = new OnnxBuilder(13).Input("x", input).Initializer("slope", slopeDims, TestData.Uniform(count, count, 1.5f))
            .Node("PRelu", ["x", "slope"], "y").Output("y");
        ActivationNode node = Single<ActivationNode>(AssertAgreesWithOrt(model));
        Assert.Equal(ActivationKind.PRelu, node.Kind);
        Assert.Equal(kept, node.Slope!.Length);
    }

    [Fact]
    public void PRelu_slope_that_would_grow_the_input_or_is_computed_is_refused()
    {
        var wide = new OnnxBuilder(13).Input("x", 3).Initializer("slope", [2, 3], TestData.Uniform(1, 6))
            .Node("PRelu", ["x", "slope"], "y").Output("y");
        Assert.Contains("does not broadcast", Assert.Throws<UnsupportedOperatorException>(() => Import(wide)).Message);
        var computed = new OnnxBuilder(13).Input("x", 3).Node("Relu", ["x"], "s").Node("PRelu", ["x", "s"], "y").Output("y");
        Assert.Contains("must be a constant", Assert.Throws<UnsupportedOperatorException>(() => Import(computed)).Message);
    }

    [Theory]
    [InlineData(13, "Softmax", 1L, 0, 0)]
    [InlineData(13, "Softmax", 2L, 1, 1)]
    [InlineData(13, "LogSoftmax", -1L, 2, 2)]
    [InlineData(13, "Softmax", null, 2, 2)]
    [InlineData(11, "Softmax", 2L, 1, 2)]
    [InlineData(11, "LogSoftmax", 3L, 2, 2)]
    [InlineData(11, "LogSoftmax", null, 0, 2)]
    public void Softmax_runs_over_the_axes_its_opset_defines(int opset, string op, long? axis, int first, int last)
    {
        var model = new OnnxBuilder(opset).Input("x", 3, 4, 5);
        if (axis is { } a) model.Node(op, ["x"], "y", OnnxAttr.Int("axis", a));
        else model.Node(op, ["x"], "y");
        SoftmaxNode node = Single<SoftmaxNode>(AssertAgreesWithOrt(model.Output("y")));
        Assert.Equal((first, last, op == "LogSoftmax"), (node.FirstAxis, node.LastAxis, node.Log));
    }

    public static TheoryData<string, string> BatchAxisOps => new()
    {
        { "Softmax", "axis 0 of [N, 2, 3, 4] operates across the batch axis" },
        { "LogSoftmax", "axis -4 of [N, 2, 3, 4] operates across the batch axis" },
        { "ArgMax", "axis 0 of [N, 2, 3, 4] operates across the batch axis" },
        { "ReduceMean", "include axis 0, so it operates across the batch axis" },
        { "ReduceSum", "without axes it reduces every axis, so it operates across the batch axis" },
    };

    [Theory]
    [MemberData(nameof(BatchAxisOps))]
    public void An_op_across_the_batch_axis_is_refused(string op, string message)
    {
        var model = new OnnxBuilder(13).Input("x", 2, 3, 4);
        switch (op)
        {
            case "Softmax":
                model.NamedNode("over_batch", op, ["x"], ["y"], OnnxAttr.Int("axis", 0));
                break;
            case "LogSoftmax":
                model.NamedNode("over_batch", op, ["x"], ["y"], OnnxAttr.Int("axis", -4));
                break;
            case "ArgMax":
                model.NamedNode("over_batch", op, ["x"], ["y"]); // axis defaults to 0
                break;
            case "ReduceMean":
                model.NamedNode("over_batch", op, ["x"], ["y"], OnnxAttr.Ints("axes", 0, 2));
                break;
            default:
                model.NamedNode("over_batch", op, ["x"], ["y"]);
                break;
        }
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(model.Output("y")));
        Assert.StartsWith($"{ModelFile}: node 'over_batch' ({op}, opset 13): ", ex.Message);
        Assert.Contains(message, ex.Message);
    }

    /// <summary>ArgMax returns int64; ONNX Runtime runs the model with a Cast to float after it, we import it without.</summary>
    private static OnnxBuilder ArgMaxModel(int opset, bool cast, int[] input, params AttributeProto[] attributes)
    {
        var b = new OnnxBuilder(opset).Input("x", input).Node("ArgMax", ["x"], cast ? "i" : "y", attributes);
        if (cast) b.Node("Cast", ["i"], "y", OnnxAttr.Int("to", 1));
        return b.Output("y");
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(2, 0, 0)]
    [InlineData(3, 1, 1)]
    [InlineData(-1, 0, 1)]
    public void ArgMax_becomes_ArgMaxNode(long axis, long keepDims, long last)
    {
        AttributeProto[] attrs = [OnnxAttr.Int("axis", axis), OnnxAttr.Int("keepdims", keepDims), OnnxAttr.Int("select_last_index", last)];
        ModelGraph g = AssertAgreesWithOrt(ArgMaxModel(13, false, [3, 4, 5], attrs), ArgMaxModel(13, true, [3, 4, 5], attrs), ties: true);
        ArgMaxNode node = Single<ArgMaxNode>(g);
        Assert.Equal(((int)(axis < 0 ? axis + 3 : axis - 1), keepDims == 1, last == 1), (node.Axis, node.KeepDims, node.SelectLastIndex));
    }

    [Fact]
    public void ArgMax_over_a_vector_without_keepdims_is_one_value_per_sample()
    {
        // ONNX Runtime says [N]; the IR has no rank-0 sample, so it is [N, 1]: the same values.
        AttributeProto[] attrs = [OnnxAttr.Int("axis", 1), OnnxAttr.Int("keepdims", 0)];
        ModelGraph g = AssertAgreesWithOrt(ArgMaxModel(11, false, [7], attrs), ArgMaxModel(11, true, [7], attrs), sameDims: false);
        Assert.True(Assert.IsType<ArgMaxNode>(g.Output).CoversSample);
        Assert.Equal(new Shape(1), g.Output.OutputShape);
    }

    public static TheoryData<string, int, long[], long> Reductions()
    {
        var data = new TheoryData<string, int, long[], long>();
        foreach (string op in new[] { "ReduceMean", "ReduceSum", "ReduceProd", "ReduceSumSquare" })
        {
            foreach (int opset in new[] { 11, 18 })
            {
                data.Add(op, opset, [1], 1);
                data.Add(op, opset, [-1, 1], 0);
                data.Add(op, opset, [2], 0);
                data.Add(op, opset, [1, 2, 3], 1);
            }
        }
        data.Add("ReduceSum", 13, [3], 1);
        return data;
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Reduction_takes_axes_from_the_attribute_or_from_input_1(string op, int opset, long[] axes, long keepDims)
    {
        bool axesInput = opset >= (op == "ReduceSum" ? 13 : 18);
        var model = new OnnxBuilder(opset).Input("x", 3, 4, 5);
        if (axesInput) model.Initializer("axes", axes).Node(op, ["x", "axes"], "y", OnnxAttr.Int("keepdims", keepDims));
        else model.Node(op, ["x"], "y", OnnxAttr.Ints("axes", axes), OnnxAttr.Int("keepdims", keepDims));
        ModelGraph g = AssertAgreesWithOrt(model.Output("y"));
        ReduceNode node = Single<ReduceNode>(g);
        Assert.Equal(op, node.Op);
        Assert.Equal(axes.Select(a => (int)(a < 0 ? a + 3 : a - 1)).Order(), node.Axes);
    }

    [Theory]
    [InlineData("ReduceMean", 13, 1)]
    [InlineData("ReduceMean", 18, 0)]
    [InlineData("ReduceSum", 13, 1)]
    [InlineData("ReduceSum", 11, 0)]
    public void A_mean_or_sum_over_H_and_W_is_global_average_pooling(string op, int opset, long keepDims)
    {
        var model = new OnnxBuilder(opset).Input("x", 3, 4, 5);
        if (opset >= (op == "ReduceSum" ? 13 : 18))
        {
            model.Initializer("axes", [-1, 2]).Node(op, ["x", "axes"], "y", OnnxAttr.Int("keepdims", keepDims));
        }
        else
        {
            model.Node(op, ["x"], "y", OnnxAttr.Ints("axes", 2, 3), OnnxAttr.Int("keepdims", keepDims));
        }
        ModelGraph g = AssertAgreesWithOrt(model.Output("y"));
        Assert.Empty(g.Nodes.OfType<ReduceNode>());
        Assert.IsType<GlobalAvgPoolNode>(g.Nodes[1]);
        Assert.Equal(op == "ReduceSum" ? [20f] : null, g.Nodes.OfType<ScaleShiftNode>().SingleOrDefault()?.Scale);
        Assert.Equal(keepDims == 1 ? new Shape(3, 1, 1) : new Shape(3), g.Output.OutputShape);
    }

    [Theory]
    [InlineData("ReduceSum", 13)]
    [InlineData("ReduceMean", 18)]
    [InlineData("ReduceSumSquare", 18)]
    public void Empty_axes_with_noop_with_empty_axes_pass_the_input_through(string op, int opset)
    {
        var model = new OnnxBuilder(opset).Input("x", 12).Node(op, ["x"], "y", OnnxAttr.Int("noop_with_empty_axes", 1)).Output("y");
        ModelGraph g = AssertAgreesWithOrt(model);
        Assert.Equal(op == "ReduceSumSquare" ? "ReduceSumSquare" : op, g.Output.Op);
        Assert.Equal(op == "ReduceSumSquare", g.Output is ReduceNode);
    }

    [Fact]
    public void Axes_in_the_wrong_place_for_the_opset_are_refused()
    {
        var attribute = new OnnxBuilder(18).Input("x", 2, 3, 4).Node("ReduceMean", ["x"], "y", OnnxAttr.Ints("axes", 1)).Output("y");
        Assert.Contains("attribute 'axes' is not defined by ReduceMean-18",
            Assert.Throws<UnsupportedOperatorException>(() => Import(attribute)).Message);
        var input = new OnnxBuilder(11).Input("x", 2, 3, 4).Initializer("axes", [1L]).Node("ReduceMean", ["x", "axes"], "y").Output("y");
        Assert.Contains("expects 1 input(s), has 2", Assert.Throws<InvalidModelException>(() => Import(input)).Message);
        var repeated = new OnnxBuilder(11).Input("x", 2, 3, 4).Node("ReduceSum", ["x"], "y", OnnxAttr.Ints("axes", 1, -3)).Output("y");
        Assert.Contains("repeat an axis", Assert.Throws<InvalidModelException>(() => Import(repeated)).Message);
    }

    [Fact]
    public void Clip_with_min_above_max_imports_and_outputs_max()
    {
        var model = new OnnxBuilder(13).Input("x", 6).Initializer("lo", [], [2f]).Initializer("hi", [], [-1f])
            .Node("Clip", ["x", "lo", "hi"], "y").Output("y");
        ClipNode clip = Single<ClipNode>(AssertAgreesWithOrt(model));
        Assert.Equal((2f, -1f), (clip.Min, clip.Max));
    }
}
