using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

public sealed class OnnxImporterDenseTests
{
    [Theory]
    [InlineData(0, 1f, 1f)]
    [InlineData(1, 1f, 1f)]
    [InlineData(0, 0.5f, 2f)]
    [InlineData(1, -1.5f, 0.25f)]
    public void Gemm_folds_alpha_beta_and_transB_into_weight_and_bias(int transB, float alpha, float beta)
    {
        int[] bDims = transB == 1 ? [3, 5] : [5, 3];
        var b = new OnnxBuilder()
            .Input("x", 5)
            .Initializer("B", bDims, TestData.Uniform(7, 15))
            .Initializer("C", [3], [0.5f, -1, 2])
            .Node("Gemm", ["x", "B", "C"], "y", OnnxAttr.Int("transB", transB), OnnxAttr.Float("alpha", alpha),
                OnnxAttr.Float("beta", beta))
            .Output("y");
        ModelGraph g = Import(b);
        DenseNode dense = Single<DenseNode>(g);
        Assert.Equal([3, 5], dense.Weight.Shape);
        Assert.Equal([0.5f * beta, -beta, 2 * beta], dense.Bias!);
        AssertValuesMatchOrt(b, g);
    }

    [Fact]
    public void Gemm_without_C_and_with_a_row_C_broadcasts()
    {
        var noC = new OnnxBuilder(opset: 11).Input("x", 4).Initializer("B", [4, 2], TestData.Uniform(8, 8))
            .Node("Gemm", ["x", "B"], "y").Output("y");
        Assert.Null(Single<DenseNode>(Import(noC)).Bias);

        var rowC = new OnnxBuilder().Input("x", 4).Initializer("B", [4, 2], TestData.Uniform(8, 8)).Initializer("C", [1, 1], [3])
            .Node("Gemm", ["x", "B", "C"], "y").Output("y");
        ModelGraph g = Import(rowC);
        Assert.Equal([3f, 3f], Single<DenseNode>(g).Bias!);
        AssertValuesMatchOrt(rowC, g);
    }

    [Fact]
    public void Gemm_refuses_transA_and_unflattened_inputs()
    {
        var transA = new OnnxBuilder().Input("x", 4).Initializer("B", [4, 2], TestData.Uniform(8, 8))
            .Node("Gemm", ["x", "B"], "y", OnnxAttr.Int("transA", 1)).Output("y");
        Assert.Contains("transA=1", Assert.Throws<UnsupportedOperatorException>(() => Import(transA)).Message);

        var image = new OnnxBuilder().Input("x", 2, 2, 2).Initializer("B", [8, 2], TestData.Uniform(8, 16))
            .Node("Gemm", ["x", "B"], "y").Output("y");
        var ex = Assert.Throws<InvalidModelException>(() => Import(image));
        Assert.Contains("Flatten", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Flatten_then_Gemm_is_the_PyTorch_classifier_head()
    {
        var b = new OnnxBuilder()
            .Input("x", 2, 3, 3)
            .Initializer("W", [4, 18], TestData.Uniform(9, 72))
            .Initializer("bias", [4], [1, 2, 3, 4])
            .Node("Flatten", ["x"], "f", OnnxAttr.Int("axis", 1))
            .Node("Gemm", ["f", "W", "bias"], "y", OnnxAttr.Int("transB", 1))
            .Output("y");
        ModelGraph g = Import(b);
        ReshapeNode flatten = Single<ReshapeNode>(g);
        Assert.Equal("Flatten", flatten.Op);
        Assert.Equal(new Shape(18), flatten.OutputShape);
        AssertValuesMatchOrt(b, g);
    }

    [Fact]
    public void MatMul_then_Add_of_a_vector_becomes_one_Dense_with_bias()
    {
        var b = new OnnxBuilder()
            .Input("x", 6)
            .Initializer("W", [6, 3], TestData.Uniform(10, 18))
            .Initializer("bias", [3], [0.1f, 0.2f, 0.3f])
            .NamedNode("fc", "MatMul", ["x", "W"], ["m"])
            .Node("Add", ["bias", "m"], "y")
            .Output("y");
        ModelGraph g = Import(b);
        Assert.Equal(2, g.Nodes.Count);
        DenseNode dense = Single<DenseNode>(g);
        Assert.Equal("fc", dense.Name);
        Assert.Equal([0.1f, 0.2f, 0.3f], dense.Bias!);
        AssertValuesMatchOrt(b, g);
    }

    [Fact]
    public void MatMul_read_twice_keeps_its_Add_as_ScaleShift()
    {
        var b = new OnnxBuilder()
            .Input("x", 6)
            .Initializer("W", [6, 3], TestData.Uniform(10, 18))
            .Initializer("bias", [1, 3], [0.1f, 0.2f, 0.3f])
            .Node("MatMul", ["x", "W"], "m")
            .Node("Add", ["m", "bias"], "a")
            .Node("Add", ["a", "m"], "y")
            .Output("y");
        ModelGraph g = Import(b);
        Assert.Null(Single<DenseNode>(g).Bias!);
        ScaleShiftNode shift = Single<ScaleShiftNode>(g);
        Assert.Equal("Add", shift.Op);
        Assert.Equal([0.1f, 0.2f, 0.3f], shift.Shift);
        Assert.Single(g.Nodes.OfType<AddNode>());
        AssertValuesMatchOrt(b, g);
    }

    [Fact]
    public void MatMul_of_two_tensors_across_the_batch_is_refused()
    {
        // [N, 4]·[N, 4] multiplies across the samples; per-sample products need rank ≥ 2 after the batch (TransformerTests).
        var b = new OnnxBuilder().Input("x", 4).Node("MatMul", ["x", "x"], "y").Output("y");
        Assert.Contains("B must be a constant", Assert.Throws<UnsupportedOperatorException>(() => Import(b)).Message);
    }
}
