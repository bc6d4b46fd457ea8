using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

/// <summary>Transpose, Pad, ConvTranspose and 1-D convolution and pooling, each checked against ONNX Runtime.</summary>
public sealed class OnnxImporterLayoutTests
{
    // ---- Transpose ----

    [Fact]
    public void Transpose_keeping_the_batch_axis_becomes_a_TransposeNode()
    {
        var b = new OnnxBuilder().Input("x", 3, 4, 5)
            .NamedNode("t", "Transpose", ["x"], ["y"], OnnxAttr.Ints("perm", 0, 2, 3, 1)).Output("y");
        ModelGraph g = Import(b);
        TransposeNode t = Single<TransposeNode>(g);
        Assert.Equal([1, 2, 0], t.Permutation);
        Assert.Equal(new Shape(4, 5, 3), t.OutputShape);
        AssertExecutorMatchesOrt(b);
    }

    [Theory]
    [InlineData(new long[] { 1, 0, 2, 3 })]
    [InlineData(null)] // the default reverses every axis
    public void Transpose_moving_the_batch_axis_is_refused_where_the_moved_tensor_is_read_or_output(long[]? perm)
    {
        // A moved batch is the sequence-first layout only recurrent ops (and Transpose, Squeeze, Gather) read.
        var b = new OnnxBuilder().Input("x", 3, 4, 5);
        b = perm is null ? b.Node("Transpose", ["x"], "y") : b.Node("Transpose", ["x"], "y", OnnxAttr.Ints("perm", perm));
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b.Output("y")));
        Assert.Contains($"graph output 'y' has the batch at axis {(perm is null ? 3 : 1)}", ex.Message);
        b.Graph.Output.Clear();
        ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b.Node("Relu", ["y"], "z").Output("z")));
        Assert.Contains($"input 0 ('y') has the batch at axis {(perm is null ? 3 : 1)} (a sequence-first layout)", ex.Message);
        var bad = new OnnxBuilder().Input("x", 3, 4).Node("Transpose", ["x"], "y", OnnxAttr.Ints("perm", 0, 1, 1)).Output("y");
        Assert.Contains("is not a permutation", Assert.Throws<InvalidModelException>(() => Import(bad)).Message);
    }

    [Fact]
    public void Transpose_of_a_constant_folds()
    {
        // TF exports store a MatMul weight [M, K] and transpose it at run time.
        float[] w = TestData.Uniform(3, 5 * 6);
        var b = new OnnxBuilder()
            .Input("x", 6)
            .Initializer("wt", [5, 6], w)
            .Node("Transpose", ["wt"], "w", OnnxAttr.Ints("perm", 1, 0))
            .Node("MatMul", ["x", "w"], "y")
            .Output("y");
        ModelGraph g = Import(b);
        Assert.Empty(g.Nodes.OfType<TransposeNode>());
        Assert.Equal(w, Single<DenseNode>(g).Weight.Data);
        AssertValuesMatchOrt(b, g);
    }

    /// <summary>
    /// A Keras CNN as tf2onnx exports it: input [N, 8, 8, 3] → Transpose to NCHW → Conv → Transpose to NHWC → Relu →
    /// Transpose to NCHW → MaxPool → Transpose to NHWC → Reshape [N, -1] → MatMul + bias.
    /// </summary>
    internal static OnnxBuilder KerasNhwcCnn()
    {
        return new OnnxBuilder(13)
            .Input("x", 8, 8, 3)
            .Initializer("w", [4, 3, 3, 3], TestData.Uniform(21, 108, 0.5f))
            .Initializer("b", [4], TestData.Uniform(22, 4, 0.1f))
            .Initializer("shape", [0, -1])
            .Initializer("dense_w", [64, 5], TestData.Uniform(23, 320, 0.3f))
            .Initializer("dense_b", [5], TestData.Uniform(24, 5, 0.1f))
            .NamedNode("in_nchw", "Transpose", ["x"], ["x_nchw"], OnnxAttr.Ints("perm", 0, 3, 1, 2))
            .Node("Conv", ["x_nchw", "w", "b"], "conv", OnnxAttr.Ints("pads", 1, 1, 1, 1))
            .Node("Transpose", ["conv"], "conv_nhwc", OnnxAttr.Ints("perm", 0, 2, 3, 1))
            .Node("Relu", ["conv_nhwc"], "relu")
            .Node("Transpose", ["relu"], "relu_nchw", OnnxAttr.Ints("perm", 0, 3, 1, 2))
            .Node("MaxPool", ["relu_nchw"], "pool", OnnxAttr.Ints("kernel_shape", 2, 2), OnnxAttr.Ints("strides", 2, 2))
            .Node("Transpose", ["pool"], "pool_nhwc", OnnxAttr.Ints("perm", 0, 2, 3, 1))
            .Node("Reshape", ["pool_nhwc", "shape"], "flat")
            .Node("MatMul", ["flat", "dense_w"], "mm")
            .Node("Add", ["mm", "dense_b"], "y")
            .Output("y");
    }

    [Fact]
    public void A_Keras_NHWC_network_folds_to_its_input_transpose()
    {
        OnnxBuilder b = KerasNhwcCnn();
        ModelGraph g = Import(b);
        Assert.Equal("in_nchw", Single<TransposeNode>(g).Name);
        Assert.Same(g.Input, Single<TransposeNode>(g).Inputs[0]);
        Assert.Equal(["Input", "Transpose", "Conv2d", "Relu", "MaxPool2d", "Reshape", "Dense"], g.Nodes.Select(n => n.Op));
        AssertExecutorMatchesOrt(b);
    }

    // ---- Pad ----

    public static TheoryData<string, int, long[], int[]> PadCases => new()
    {
        // mode, opset, pads, per-sample input dims
        { "constant", 13, [0, 1, 2, 0, 0, 0, 1, 3], [2, 3, 4] },
        { "reflect", 13, [0, 0, 2, 1, 0, 0, 1, 2], [2, 4, 4] },
        { "edge", 13, [0, 1, 1, 3, 0, 2, 0, 1], [2, 3, 4] },
        { "wrap", 19, [0, 0, 2, 1, 0, 0, 1, 3], [1, 3, 4] },
        { "constant", 13, [0, 0, -1, 2, 0, 0, 1, -2], [2, 4, 5] },  // crop and pad
        { "reflect", 13, [0, 0, -1, 0, 0, 1, 2, -1], [2, 5, 5] },
        { "edge", 13, [0, 1, 2, 0, 0, 1], [3, 4] },                // [N, C, L]
        { "constant", 9, [0, 1, 2, 0, 0, 0, 1, 3], [2, 3, 4] },    // Pad-2: pads and value as attributes
        { "reflect", 11, [0, 3, 0, 2], [6] },                      // a vector [N, F]
    };

    [Theory]
    [MemberData(nameof(PadCases))]
    public void Pad_modes_and_crops_agree_with_OnnxRuntime(string mode, int opset, long[] pads, int[] dims)
    {
        var b = new OnnxBuilder(opset).Input("x", dims);
        if (opset < 11)
        {
            b.Node("Pad", ["x"], "y", OnnxAttr.Ints("pads", pads), OnnxAttr.String("mode", mode), OnnxAttr.Float("value", 0.25f));
        }
        else
        {
            b.Initializer("pads", pads).Initializer("v", [], [0.25f])
                .Node("Pad", ["x", "pads", mode == "constant" ? "v" : ""], "y", OnnxAttr.String("mode", mode));
        }
        ModelGraph g = Import(b.Output("y"));
        PadNode pad = Single<PadNode>(g);
        Assert.Equal(mode == "constant" ? 0.25f : 0f, pad.Value);
        AssertExecutorMatchesOrt(b);
    }

    [Fact]
    public void Pad_18_axes_select_the_padded_axes()
    {
        var b = new OnnxBuilder(18).Input("x", 2, 3, 4)
            .Initializer("pads", [1, 2, 0, 1]).Initializer("axes", [-1, 2])
            .Node("Pad", ["x", "pads", "", "axes"], "y", OnnxAttr.String("mode", "edge")).Output("y");
        ModelGraph g = Import(b);
        Assert.Equal([0, 2, 1], Single<PadNode>(g).Begin);
        Assert.Equal([0, 1, 0], Single<PadNode>(g).End);
        AssertExecutorMatchesOrt(b);
    }

    [Fact]
    public void Pad_that_removes_a_whole_axis_or_has_an_unknown_mode_is_refused()
    {
        var crop = new OnnxBuilder().Input("x", 2, 3).Initializer("pads", [0, 0, -2, 0, 0, -1]).Node("Pad", ["x", "pads"], "y").Output("y");
        Assert.Contains("both must be positive", Assert.Throws<InvalidModelException>(() => Import(crop)).Message);
        var mode = new OnnxBuilder().Input("x", 2, 3).Initializer("pads", [0, 0, 1, 0, 0, 1])
            .Node("Pad", ["x", "pads"], "y", OnnxAttr.String("mode", "mirror")).Output("y");
        Assert.Contains("mode=mirror is not supported", Assert.Throws<UnsupportedOperatorException>(() => Import(mode)).Message);
    }

    // ---- ConvTranspose ----

    public static TheoryData<string> ConvTransposeCases =>
    [
        "plain", "strides", "pads", "dilations", "output_padding", "groups", "depthwise", "bias", "output_shape",
        "output_shape_beyond",
"same_upper", "same_lower", "valid", "1d", "1d_same",
    ];

    private static OnnxBuilder ConvTransposeModel(string name)
    {
        int c = name is "groups" ? 4 : name is "depthwise" ? 3 : 2, m = name is "groups" ? 6 : name is "depthwise" ? 3 : 3;
        int group = name is "groups" ? 2 : name is "depthwise" ? 3 : 1;
        bool oneD = name.StartsWith("1d", StringComparison.Ordinal);
        int[] kernel = oneD ? [3] : [3, 2];
        var attrs = new List<global::Onnx.AttributeProto>();
        if (group != 1) attrs.Add(OnnxAttr.Int("group", group));
        switch (name)
        {
            case "strides": attrs.Add(OnnxAttr.Ints("strides", 2, 3)); break;
            case "pads": attrs.Add(OnnxAttr.Ints("strides", 2, 2)); attrs.Add(OnnxAttr.Ints("pads", 1, 0, 2, 1)); break;
            case "dilations": attrs.Add(OnnxAttr.Ints("dilations", 2, 3)); attrs.Add(OnnxAttr.Ints("strides", 1, 2)); break;
            case "output_padding": attrs.Add(OnnxAttr.Ints("strides", 3, 2)); attrs.Add(OnnxAttr.Ints("output_padding", 2, 1)); break;
            case "groups" or "depthwise": attrs.Add(OnnxAttr.Ints("strides", 2, 1)); attrs.Add(OnnxAttr.Ints("pads", 1, 1, 1, 0)); break;
            case "output_shape": attrs.Add(OnnxAttr.Ints("strides", 2, 2)); attrs.Add(OnnxAttr.Ints("output_shape", 10, 9)); break;
            case "output_shape_beyond": // the full output is 11×12: one more row and column, holding the bias only
                attrs.AddRange([OnnxAttr.Ints("strides", 2, 2), OnnxAttr.Ints("output_shape", 12, 13)]);
                break;
            case "same_upper": attrs.Add(OnnxAttr.Ints("strides", 2, 2)); attrs.Add(OnnxAttr.String("auto_pad", "SAME_UPPER")); break;
            case "same_lower": attrs.Add(OnnxAttr.Ints("strides", 2, 2)); attrs.Add(OnnxAttr.String("auto_pad", "SAME_LOWER")); break;
            case "valid": attrs.Add(OnnxAttr.String("auto_pad", "VALID")); break;
            case "1d":
                attrs.AddRange([OnnxAttr.Ints("strides", 2), OnnxAttr.Ints("pads", 1, 0), OnnxAttr.Ints("output_padding", 1)]);
                break;
            case "1d_same": attrs.Add(OnnxAttr.Ints("strides", 3)); attrs.Add(OnnxAttr.String("auto_pad", "SAME_UPPER")); break;
        }
        int[] weightDims = [c, m / group, .. kernel];
        var b = new OnnxBuilder(13);
        b = oneD ? b.Input("x", c, 7) : b.Input("x", c, 5, 6);
        b.Initializer("w", weightDims, TestData.Uniform(31, weightDims.Aggregate(1, (x, y) => x * y)));
        string[] inputs = ["x", "w"];
        if (name is "bias" or "groups" or "output_shape_beyond")
        {
            b.Initializer("b", [m], TestData.Uniform(32, m));
            inputs = ["x", "w", "b"];
        }
        return b.Node("ConvTranspose", inputs, "y", [.. attrs]).Output("y");
    }

    [Theory]
    [MemberData(nameof(ConvTransposeCases))]
    public void ConvTranspose_agrees_with_OnnxRuntime(string name)
    {
        OnnxBuilder b = ConvTransposeModel(name);
        ModelGraph g = Import(b);
        ConvTranspose2dNode node = Single<ConvTranspose2dNode>(g);
        Assert.Equal(name.StartsWith("1d", StringComparison.Ordinal) ? 2 : 3, node.OutputShape.Rank);
        AssertExecutorMatchesOrt(b);
    }

    [Fact]
    public void ConvTranspose_with_an_output_shape_of_the_wrong_rank_or_negative_pads_is_refused()
    {
        OnnxBuilder Build(params long[] shape) => new OnnxBuilder().Input("x", 1, 3, 3)
            .Initializer("w", [1, 1, 2, 2], TestData.Uniform(1, 4))
            .Node("ConvTranspose", ["x", "w"], "y", OnnxAttr.Ints("output_shape", shape)).Output("y");
        Assert.Contains("must hold 2 positive sizes", Assert.Throws<InvalidModelException>(() => Import(Build(1, 1, 3, 3))).Message);
        var negative = new OnnxBuilder().Input("x", 1, 3, 3).Initializer("w", [1, 1, 2, 2], TestData.Uniform(1, 4))
            .Node("ConvTranspose", ["x", "w"], "y", OnnxAttr.Ints("pads", -1, 0, 0, 0)).Output("y");
        Assert.Contains("must not be negative", Assert.Throws<InvalidModelException>(() => Import(negative)).Message);
    }

    // ---- 1-D convolution and pooling on [N, C, L] ----

    /// <summary>MNIST rows as a sequence: [N, 28 channels, 28 steps] through 1-D conv, pooling and a dense head.</summary>
    internal static OnnxBuilder Conv1dNetwork(int opset = 13)
    {
        return new OnnxBuilder(opset)
            .Input("x", 28, 28)
            .Initializer("w1", [8, 28, 5], TestData.Uniform(41, 8 * 28 * 5, 0.2f))
            .Initializer("b1", [8], TestData.Uniform(42, 8, 0.1f))
            .Initializer("w2", [6, 4, 3], TestData.Uniform(43, 6 * 4 * 3, 0.4f))
            .Initializer("fc", [6, 4], TestData.Uniform(44, 24, 0.5f))
            .Node("Conv", ["x", "w1", "b1"], "c1", OnnxAttr.Ints("pads", 2, 2))
            .Node("Relu", ["c1"], "r1")
            .Node("MaxPool", ["r1"], "p1", OnnxAttr.Ints("kernel_shape", 3), OnnxAttr.Ints("strides", 2),
                OnnxAttr.String("auto_pad", "SAME_UPPER"))
            .Node("Conv", ["p1", "w2"], "c2", OnnxAttr.Int("group", 2), OnnxAttr.Ints("dilations", 2), OnnxAttr.Ints("pads", 2, 2))
            .Node("Relu", ["c2"], "r2")
            .Node("AveragePool", ["r2"], "p2", OnnxAttr.Ints("kernel_shape", 3), OnnxAttr.Ints("strides", 2), OnnxAttr.Ints("pads", 1, 1),
                OnnxAttr.Int("ceil_mode", 1))
            .Node("GlobalAveragePool", ["p2"], "g")
            .Node("Flatten", ["g"], "f")
            .Node("MatMul", ["f", "fc"], "y")
            .Output("y");
    }

    [Fact]
    public void A_1d_CNN_on_a_rank_3_input_agrees_with_OnnxRuntime()
    {
        OnnxBuilder b = Conv1dNetwork();
        ModelGraph g = Import(b);
        Assert.Equal(new Shape(28, 28), g.Input.OutputShape);
        Assert.Equal((28, 1, 28), (g.Input.OutputShape.Channels, g.Input.OutputShape.Height, g.Input.OutputShape.Width));
        Conv2dNode first = g.Nodes.OfType<Conv2dNode>().First();
        Assert.Equal(new Window2d(1, 5, 1, 1, 0, 2, 0, 2), first.Window);
        Assert.Equal([8, 28, 1, 5], first.Weight.Shape);
        Assert.Equal(new Shape(8, 28), first.OutputShape);
        Assert.Equal(new Shape(6, 1), Single<GlobalAvgPoolNode>(g).OutputShape);
        AssertExecutorMatchesOrt(b, batch: 4);
    }

    [Fact]
    public void Pad_before_a_1d_Conv_folds_into_its_window()
    {
        var b = new OnnxBuilder().Input("x", 2, 9)
            .Initializer("pads", [0, 0, 2, 0, 0, 1]).Initializer("w", [3, 2, 4], TestData.Uniform(5, 24))
            .Node("Pad", ["x", "pads"], "p").Node("Conv", ["p", "w"], "y", OnnxAttr.Ints("strides", 2)).Output("y");
        ModelGraph g = Import(b);
        Assert.Empty(g.Nodes.OfType<PadNode>());
        Assert.Equal(new Window2d(1, 4, 1, 2, 0, 2, 0, 1), Single<Conv2dNode>(g).Window);
        AssertExecutorMatchesOrt(b);
    }

    [Fact]
    public void A_pooling_kernel_that_does_not_match_the_input_rank_fails()
    {
        var b = new OnnxBuilder().Input("x", 2, 9).Node("MaxPool", ["x"], "y", OnnxAttr.Ints("kernel_shape", 2, 2)).Output("y");
        Assert.Contains("has 1 spatial axes", Assert.Throws<InvalidModelException>(() => Import(b)).Message);
    }
}
