using Ann2Snn.Kernels;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Kernels;

public sealed class AxisKernelsTests
{
    /// <summary>[outer, length, inner] blocks: rows (inner 1), columns (outer 1), and both, at awkward sizes.</summary>
    public static TheoryData<int, int, int> Blocks => new()
    {
        { 1, 1, 1 }, { 1, 7, 1 }, { 3, 17, 1 }, { 1, 4, 9 }, { 2, 3, 17 }, { 4, 1, 6 }, { 2, 33, 3 }, { 1, 65, 8 },
    };

    private static int[] Dims(int outer, int length, int inner) => [outer, length, inner];

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Softmax_and_log_softmax_of_each_slice_match_the_closed_form(int outer, int length, int inner)
    {
        float[] x = TestData.Uniform(outer * 1000 + length * 10 + inner, outer * length * inner, 20f);
        var y = new float[x.Length];
        var block = new AxisBlock(outer, length, inner);
        AxisKernels.Softmax(x, block, log: false, y);
        Reference.AssertClose(ClosedForm.Softmax(x, Dims(outer, length, inner), 1, 1, log: false), y, 1e-6, "softmax");
        AxisKernels.Softmax(x, block, log: true, y);
        Reference.AssertClose(ClosedForm.Softmax(x, Dims(outer, length, inner), 1, 1, log: true), y, 2e-6, "log-softmax");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void ArgMax_finds_the_first_or_last_of_ties(int outer, int length, int inner)
    {
        // Few distinct values, so most slices hold ties.
        float[] x = [.. TestData.Uniform(length + inner, outer * length * inner, 3f).Select(v => MathF.Round(v))];
        var y = new float[outer * inner];
        foreach (bool last in new[] { false, true })
        {
            AxisKernels.ArgMax(x, new AxisBlock(outer, length, inner), last, y);
            Reference.AssertClose(ClosedForm.ArgMax(x, Dims(outer, length, inner), 1, last), y, 0, $"argmax last={last}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ArgMax_takes_the_first_NaN(int inner)
    {
        float[] row = [1f, float.NaN, 3f, float.NaN];
        float[] x = [.. row.SelectMany(v => Enumerable.Repeat(v, inner))];
        var y = new float[inner];
        foreach (bool last in new[] { false, true })
        {
            AxisKernels.ArgMax(x, new AxisBlock(1, 4, inner), last, y);
            Assert.All(y, v => Assert.Equal(1f, v));
        }
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Sum_product_and_sum_of_squares_match_the_closed_form(int outer, int length, int inner)
    {
        // Factors near 1 keep products of up to 65 of them in range.
        float[] x = [.. TestData.Uniform(outer + length + inner, outer * length * inner, 0.5f).Select(v => v + (v >= 0 ? 0.75f : -0.75f))];
        var y = new float[outer * inner];
        var block = new AxisBlock(outer, length, inner);
        int[] dims = Dims(outer, length, inner);
        AxisKernels.Sum(x, block, y);
        Reference.AssertClose(ClosedForm.Reduce(x, dims, Graph.ReduceKind.Sum, [1]), y, 1e-5, "sum");
        AxisKernels.Product(x, block, y);
        Reference.AssertClose(ClosedForm.Reduce(x, dims, Graph.ReduceKind.Prod, [1]), y, 1e-5, "product");
        AxisKernels.SumOfSquares(x, block, y);
        Reference.AssertClose(ClosedForm.Reduce(x, dims, Graph.ReduceKind.SumSquare, [1]), y, 1e-5, "sum of squares");
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        var block = new AxisBlock(2, 3, 4);
        Assert.Contains("do not fit", Assert.Throws<ArgumentException>(() => AxisKernels.Sum(new float[24], block, new float[7])).Message);
        Assert.Throws<ArgumentException>(() => AxisKernels.Softmax(new float[23], block, false, new float[23]));
        Assert.Equal(new AxisBlock(2, 12, 5), AxisBlock.Of(new Shape(2, 3, 4, 5), 1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => AxisBlock.Of(new Shape(2, 3), 1, 2));
    }
}
