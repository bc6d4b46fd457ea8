using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Snn;

/// <summary>Operator layers know their shapes and refuse what does not fit with one line naming the layer.</summary>
public sealed class OperatorLayerTests
{
    private static Operand Fed(params int[] dims) => new(new Shape(dims), [new Projection(0, [new ScaleOp(new Shape(dims), [1f])])]);

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 4, 5 }, new[] { 3, 5 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 5 }, new[] { 2, 3, 5 })]
    [InlineData(new[] { 1, 3, 4 }, new[] { 6, 4, 5 }, new[] { 6, 3, 5 })]
    [InlineData(new[] { 2, 1, 3, 4 }, new[] { 5, 4, 2 }, new[] { 2, 5, 3, 2 })]
    public void ProductShapesBroadcastTheLeadingAxes(int[] a, int[] b, int[] expected) =>
        Assert.Equal(new Shape(expected), OperatorLayer.MatMul("mm", Fed(a), Fed(b)).Shape);

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 5, 6 }, "operator 'mm' (matmul): A [3×4] has 4 columns, B [5×6] has 5 rows")]
    [InlineData(new[] { 4 }, new[] { 4, 2 }, "operator 'mm' (matmul): operands [4] and [4×2] need rank 2 or more")]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 4, 5 }, "operator 'mm' (matmul): leading axes of A [2×3×4] and B [3×4×5] do not broadcast")]
    public void MismatchedProductsAreRefused(int[] a, int[] b, string message)
    {
        var e = Assert.Throws<InvalidModelException>(() => OperatorLayer.MatMul("mm", Fed(a), Fed(b)));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 4, 1e-5f, "normalizes 0 trailing axes of [3×4]; expected 1…2")]
    [InlineData(3, 4, 1e-5f, "normalizes 3 trailing axes of [3×4]; expected 1…2")]
    [InlineData(1, 12, 1e-5f, "γ has 12 and β 12 values; the last 1 axes of [3×4] hold 4")]
    [InlineData(2, 4, 1e-5f, "γ has 4 and β 4 values; the last 2 axes of [3×4] hold 12")]
    [InlineData(1, 4, 0f, "ε = 0 must be positive and finite")]
    [InlineData(1, 4, float.NaN, "ε = NaN must be positive and finite")]
    public void BadLayerNormsAreRefused(int axes, int size, float epsilon, string message)
    {
        var e = Assert.Throws<InvalidModelException>(() =>
            OperatorLayer.LayerNorm("ln", Fed(3, 4), new float[size], new float[size], epsilon, axes));
        Assert.Equal($"operator 'ln' (layernorm): {message}", e.Message);
    }

    [Fact]
    public void AnOperandMustReceiveItsShape()
    {
        var e = Assert.Throws<InvalidModelException>(() => new Operand(new Shape(3, 4),
            [new Projection(0, [new ScaleOp(new Shape(4, 3), [1f])])]));
        Assert.Equal("operand [3×4]: a projection from 0 delivers [4×3]", e.Message);
    }

    [Fact]
    public void TheNetworkChecksWhatAnOperatorReads()
    {
        NeuronLayerFor(out NeuronLayer x);
        var e = Assert.Throws<InvalidModelException>(() => new SpikingNetwork("net", new Shape(3, 4),
            [x, OperatorLayer.Softmax("p", new Operand(new Shape(2, 6), [new Projection(0, [new ScaleOp(new Shape(2, 6), [1f])])]))]));
        Assert.Equal("spiking network 'net': layer 'p' expects [2×6] from a source of shape [3×4]", e.Message);
    }

    private static void NeuronLayerFor(out NeuronLayer x) =>
        x = new NeuronLayer("x", new Shape(3, 4), Ann2Snn.Neurons.NeuronParameters.IntegrateAndFire(),
            [new Projection(-1, [new ReshapeOp(new Shape(3, 4), new Shape(3, 4))])], new float[12]);
}
