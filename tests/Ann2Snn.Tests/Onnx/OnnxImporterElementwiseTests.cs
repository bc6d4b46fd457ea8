using Ann2Snn.Graph;
using Ann2Snn.Tests.TestUtil;
using Onnx;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

public sealed class OnnxImporterElementwiseTests
{
    [Fact]
    public void Add_of_two_tensors_becomes_AddNode()
    {
        var b = new OnnxBuilder().Input("x", 2, 3, 3).Node("Relu", ["x"], "r").Node("Add", ["r", "x"], "y").Output("y");
        ModelGraph g = Import(b);
        AddNode add = Single<AddNode>(g);
        Assert.IsType<ReluNode>(add.Inputs[0]);
        Assert.Same(g.Input, add.Inputs[1]);
        AssertValuesMatchOrt(b, g);
    }

    public static TheoryData<string, int[], int> ConstantShapes => new()
    {
        // op, constant dims, expected scale/shift length for a [2, 3, 4] sample (24 elements)
        { "Add", [], 1 },
        { "Add", [1], 1 },
        { "Sub", [2, 1, 1], 2 },
        { "Mul", [1, 2, 1, 1], 2 },
        { "Div", [2, 3, 4], 24 },
        { "Mul", [1, 2, 3, 4], 24 },
        { "Add", [4], 24 },       // broadcast along W only: materialized
        { "Sub", [3, 1], 24 },
    };

    [Theory]
    [MemberData(nameof(ConstantShapes))]
    public void Arithmetic_with_a_constant_becomes_ScaleShift(string op, int[] dims, int expectedLength)
    {
        int size = dims.Aggregate(1, (a, d) => a * d);
        float[] values = [.. TestData.Uniform(11, size).Select(v => v + (v >= 0 ? 0.5f : -0.5f))];
        var b = new OnnxBuilder().Input("x", 2, 3, 4).Initializer("c", dims, values).Node(op, ["x", "c"], "y").Output("y");
        ModelGraph g = Import(b);
        ScaleShiftNode s = Single<ScaleShiftNode>(g);
        Assert.Equal(op, s.Op);
        Assert.Equal(expectedLength, op is "Mul" or "Div" ? s.Scale.Length : s.Shift.Length);
        AssertValuesMatchOrt(b, g);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    public void Constant_on_the_left_is_handled(string op)
    {
        var b = new OnnxBuilder().Input("x", 3).Initializer("c", [3], [1, -2, 4]).Node(op, ["c", "x"], "y").Output("y");
        ModelGraph g = Import(b);
        Single<ScaleShiftNode>(g);
        AssertValuesMatchOrt(b, g);
    }

    [Fact]
    public void Normalization_preamble_Sub_then_Div_imports_as_two_ScaleShifts()
    {
        var b = new OnnxBuilder()
            .Input("x", 3, 2, 2)
            .Constant("mean", [1, 3, 1, 1], [0.485f, 0.456f, 0.406f])
            .Constant("std", [1, 3, 1, 1], [0.229f, 0.224f, 0.225f])
            .Node("Sub", ["x", "mean"], "c")
            .Node("Div", ["c", "std"], "y")
            .Output("y");
        ModelGraph g = Import(b);
        Assert.Equal(["Sub", "Div"], g.Nodes.OfType<ScaleShiftNode>().Select(n => n.Op));
        AssertValuesMatchOrt(b, g);
    }

    [Fact]
    public void Division_of_a_constant_by_a_tensor_and_by_zero_are_refused()
    {
        var byTensor = new OnnxBuilder().Input("x", 3).Initializer("c", [3], [1, 2, 3]).Node("Div", ["c", "x"], "y").Output("y");
        Assert.Contains("dividing a constant", Assert.Throws<UnsupportedOperatorException>(() => Import(byTensor)).Message);

        var byZero = new OnnxBuilder().Input("x", 3).Initializer("c", [3], [1, 0, 3]).Node("Div", ["x", "c"], "y").Output("y");
        Assert.Contains("element 1 of 'c'", Assert.Throws<InvalidModelException>(() => Import(byZero)).Message);
    }

    [Fact]
    public void Broadcasts_that_would_grow_the_tensor_are_refused()
    {
        var b = new OnnxBuilder().Input("x", 4).Initializer("c", [3, 4], TestData.Uniform(1, 12)).Node("Add", ["x", "c"], "y").Output("y");
        Assert.Contains("does not broadcast", Assert.Throws<UnsupportedOperatorException>(() => Import(b)).Message);

        // Two computed tensors of different per-sample ranks would broadcast into the batch axis.
        var tensors = new OnnxBuilder().Input("x", 2, 3)
            .Node("ReduceMean", ["x"], "m", OnnxAttr.Ints("axes", 2), OnnxAttr.Int("keepdims", 0))
            .NamedNode("mul", "Mul", ["x", "m"], ["y"]).Output("y");
        string message = Assert.Throws<UnsupportedOperatorException>(() => Import(tensors)).Message;
        Assert.Contains("'mul'", message, StringComparison.Ordinal);
        Assert.Contains("same rank", message, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchNormalization_becomes_BatchNorm()
    {
        var b = new OnnxBuilder()
            .Input("x", 2, 3, 3)
            .Initializer("s", [2], [1, 2]).Initializer("bb", [2], [0, 1]).Initializer("m", [2], [0.5f, -0.5f]).Initializer("v", [2], [1, 4])
            .Node("BatchNormalization", ["x", "s", "bb", "m", "v"], "y", OnnxAttr.Float("epsilon", 1e-3f))
            .Output("y");
        ModelGraph g = Import(b);
        BatchNormNode bn = Single<BatchNormNode>(g);
        Assert.Equal(1e-3f, bn.Epsilon);
        Assert.Equal([1f, 4], bn.Variance);
        Assert.Equal([0.5f, -0.5f], bn.Mean);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void BatchNormalization_in_training_mode_is_refused()
    {
        var b = new OnnxBuilder(opset: 15)
            .Input("x", 2)
            .Initializer("s", [2], [1, 2]).Initializer("bb", [2], [0, 1]).Initializer("m", [2], [0, 0]).Initializer("v", [2], [1, 1])
            .Node("BatchNormalization", ["x", "s", "bb", "m", "v"], "y", OnnxAttr.Int("training_mode", 1))
            .Output("y");
        Assert.Contains("training_mode=1", Assert.Throws<UnsupportedOperatorException>(() => Import(b)).Message);
    }

    [Fact]
    public void Relu_becomes_ReluNode()
    {
        var b = new OnnxBuilder().Input("x", 3).Node("Relu", ["x"], "y").Output("y");
        ModelGraph g = Import(b);
        Assert.Same(g.Output, Single<ReluNode>(g));
        AssertValuesMatchOrt(b, g);
    }

    [Theory]
    [InlineData(9, true, true, 0f, 6f)]
    [InlineData(9, false, true, float.NegativeInfinity, 6f)]
    [InlineData(11, true, true, 0f, 6f)]
    [InlineData(13, true, false, 0f, float.PositiveInfinity)]
    [InlineData(13, false, true, float.NegativeInfinity, 6f)]
    public void Clip_reads_bounds_from_attributes_before_opset_11_and_inputs_after(int opset, bool hasMin, bool hasMax,
        float min, float max)
    {
        var b = new OnnxBuilder(opset).Input("x", 4);
        if (opset < 11)
        {
            var attrs = new List<AttributeProto>();
            if (hasMin) attrs.Add(OnnxAttr.Float("min", 0));
            if (hasMax) attrs.Add(OnnxAttr.Float("max", 6));
            b.Node("Clip", ["x"], "y", [.. attrs]);
        }
        else
        {
            b.Initializer("lo", [], [0]).Initializer("hi", [], [6]);
            b.Node("Clip", ["x", hasMin ? "lo" : "", hasMax ? "hi" : ""], "y");
        }
        ModelGraph g = Import(b.Output("y"));
        ClipNode clip = Single<ClipNode>(g);
        Assert.Equal((min, max), (clip.Min, clip.Max));
        AssertShapeMatchesOrt(b, g);
    }
}
