using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;
using Google.Protobuf;
using Onnx;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

public sealed class OnnxImporterShapeOpsTests
{
    [Theory]
    [InlineData(new long[] { 0, -1 }, new[] { 24 })]
    [InlineData(new long[] { -1, 6, 4 }, new[] { 6, 4 })]
    [InlineData(new long[] { 0, 0, -1 }, new[] { 2, 12 })]
    [InlineData(new long[] { 0, 4, 3, 2 }, new[] { 4, 3, 2 })]
    public void Reshape_resolves_zero_and_minus_one(long[] target, int[] expected)
    {
        var b = new OnnxBuilder().Input("x", 2, 3, 4).Initializer("shape", target).Node("Reshape", ["x", "shape"], "y").Output("y");
        ModelGraph g = Import(b);
        ReshapeNode r = Single<ReshapeNode>(g);
        Assert.Equal("Reshape", r.Op);
        Assert.Equal(new Shape(expected), r.OutputShape);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void Reshape_to_a_literal_batch_is_refused_unless_the_input_fixes_it()
    {
        var symbolic = new OnnxBuilder().Input("x", 2, 3, 1).Initializer("shape", [1, 6]).Node("Reshape", ["x", "shape"], "y").Output("y");
        Assert.Contains("batch", Assert.Throws<UnsupportedOperatorException>(() => Import(symbolic)).Message);

        var fixedBatch = new OnnxBuilder().InputWithDims("x", [1, 2, 3, 1]).Initializer("shape", [1, 6])
            .Node("Reshape", ["x", "shape"], "y").Output("y");
        Assert.Equal(new Shape(6), Import(fixedBatch).Output.OutputShape);
    }

    [Fact]
    public void Reshape_shape_from_a_Constant_node_value_ints()
    {
        var b = new OnnxBuilder()
            .Input("x", 2, 2, 2)
            .Node("Constant", [], "shape", OnnxAttr.Ints("value_ints", 0, -1))
            .Node("Reshape", ["x", "shape"], "y")
            .Output("y");
        Assert.Equal(new Shape(8), Import(b).Output.OutputShape);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void Squeeze_and_Unsqueeze_take_axes_from_attribute_or_input(int opset)
    {
        var b = new OnnxBuilder(opset).Input("x", 4, 1, 1);
        if (opset < 13)
        {
            b.Node("Squeeze", ["x"], "s", OnnxAttr.Ints("axes", 2, 3)).Node("Unsqueeze", ["s"], "y", OnnxAttr.Ints("axes", -1));
        }
        else
        {
            b.Initializer("sq", [2, 3]).Initializer("un", [-1]).Node("Squeeze", ["x", "sq"], "s").Node("Unsqueeze", ["s", "un"], "y");
        }
        ModelGraph g = Import(b.Output("y"));
        Assert.Equal(["Squeeze", "Unsqueeze"], g.Nodes.OfType<ReshapeNode>().Select(r => r.Op));
        Assert.Equal(new Shape(4, 1), g.Output.OutputShape);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void Squeeze_of_the_batch_is_refused()
    {
        var b = new OnnxBuilder().Input("x", 4).Initializer("axes", [0]).Node("Squeeze", ["x", "axes"], "y").Output("y");
        Assert.Contains("batch", Assert.Throws<UnsupportedOperatorException>(() => Import(b)).Message);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(12)]
    [InlineData(13)]
    public void Dropout_and_Identity_become_IdentityNodes(int opset)
    {
        var b = new OnnxBuilder(opset).Input("x", 3).Node("Dropout", ["x"], "d").Node("Identity", ["d"], "y").Output("y");
        if (opset < 12) b.Graph.Node[0].Attribute.Add(OnnxAttr.Float("ratio", 0.3f));
        ModelGraph g = Import(b);
        Assert.Equal(["Dropout", "Identity"], g.Nodes.OfType<IdentityNode>().Select(n => n.Op));
        AssertShapeMatchesOrt(b, g);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Dropout_training_mode_input_is_a_bool_that_must_be_false(byte training, bool imports)
    {
        var flag =
            new TensorProto { Name = "training", DataType = (int)TensorProto.Types.DataType.Bool, RawData = ByteString.CopyFrom(training) };
        var b = new OnnxBuilder(opset: 13).Input("x", 3).Initializer("ratio", [], [0.5f]).Initializer(flag)
            .Node("Dropout", ["x", "ratio", "training"], "y").Output("y");
        if (imports) Assert.Equal("Dropout", Single<IdentityNode>(Import(b)).Op);
        else Assert.Contains("training_mode", Assert.Throws<UnsupportedOperatorException>(() => Import(b)).Message);
    }

    [Fact]
    public void Concat_on_channels_becomes_ConcatNode()
    {
        var b = new OnnxBuilder().Input("x", 2, 3, 3).Node("Relu", ["x"], "r")
            .Node("Concat", ["x", "r", "x"], "y", OnnxAttr.Int("axis", -3)).Output("y");
        ModelGraph g = Import(b);
        ConcatNode c = Single<ConcatNode>(g);
        Assert.Equal(3, c.Inputs.Count);
        Assert.Equal(new Shape(6, 3, 3), c.OutputShape);
        AssertShapeMatchesOrt(b, g);

        var width = new OnnxBuilder().Input("x", 2, 3, 3).Node("Concat", ["x", "x"], "y", OnnxAttr.Int("axis", 3)).Output("y");
        Assert.Contains("axis=3", Assert.Throws<UnsupportedOperatorException>(() => Import(width)).Message);
    }

    [Theory]
    [InlineData(11, "Softmax", null)]
    [InlineData(13, "Softmax", null)]
    [InlineData(13, "LogSoftmax", 1L)]
    [InlineData(9, "LogSoftmax", -1L)]
    public void Softmax_over_the_features_becomes_SoftmaxNode(int opset, string op, long? axis)
    {
        var b = new OnnxBuilder(opset).Input("x", 5);
        if (axis is { } a) b.Node(op, ["x"], "y", OnnxAttr.Int("axis", a));
        else b.Node(op, ["x"], "y");
        ModelGraph g = Import(b.Output("y"));
        Assert.Equal(op == "LogSoftmax", Single<SoftmaxNode>(g).Log);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void Softmax_over_part_of_a_sample_depends_on_the_opset()
    {
        // Opset 11 flattens [C, H, W] from axis 1 on (the whole sample); opset 13 reduces over W only.
        var old = new OnnxBuilder(opset: 11).Input("x", 2, 2, 2).Node("Softmax", ["x"], "y").Output("y");
        SoftmaxNode whole = Single<SoftmaxNode>(Import(old));
        Assert.Equal((0, 2, true), (whole.FirstAxis, whole.LastAxis, whole.CoversSample));

        var current = new OnnxBuilder(opset: 13).Input("x", 2, 2, 2).Node("Softmax", ["x"], "y").Output("y");
        SoftmaxNode lastAxis = Single<SoftmaxNode>(Import(current));
        Assert.Equal((2, 2, false), (lastAxis.FirstAxis, lastAxis.LastAxis, lastAxis.CoversSample));

        var vectorLike = new OnnxBuilder(opset: 13).Input("x", 7, 1, 1).Node("Softmax", ["x"], "y", OnnxAttr.Int("axis", 1)).Output("y");
        Assert.True(Single<SoftmaxNode>(Import(vectorLike)).CoversSample);
    }
}
