using Ann2Snn.Kernels;

namespace Ann2Snn.Tests.Kernels;

public sealed class TransposeTests
{
    [Fact]
    public void MatchesTheDefinitionForRandomPermutationsAndShapes()
    {
        var rng = new Random(2024);
        for (int trial = 0; trial < 400; trial++)
        {
            int rank = rng.Next(1, 6);
            int[] dims = [.. Enumerable.Range(0, rank).Select(_ => rng.Next(1, rank <= 3 ? 20 : 6))];
            float[] x = Reference.RandomFloats(rng, dims.Aggregate(1, (a, b) => a * b));
            var (perm, _, expected) = Reference.Transposed(rng, x, dims);
            var y = new float[x.Length];
            y.AsSpan().Fill(float.NaN);
            new Transpose(dims, perm).Apply(x, y);
            Assert.True(expected.AsSpan().SequenceEqual(y), $"dims [{string.Join(", ", dims)}] perm ({string.Join(", ", perm)})");
        }
    }

    [Theory]
    [InlineData(new[] { 3, 28, 28 }, new[] { 1, 2, 0 }, 2)]   // NCHW → NHWC: one 2-D transpose [C, H·W] → [H·W, C]
    [InlineData(new[] { 28, 28, 3 }, new[] { 2, 0, 1 }, 2)]   // NHWC → NCHW
    [InlineData(new[] { 5, 1, 7 }, new[] { 1, 0, 2 }, 1)]     // moves only a size-1 axis: a copy
    [InlineData(new[] { 4, 5, 6 }, new[] { 0, 1, 2 }, 1)]     // identity
    [InlineData(new[] { 4, 5, 6, 7 }, new[] { 0, 2, 1, 3 }, 4)]
    public void NeighbouringAxesMerge(int[] dims, int[] perm, int collapsed)
    {
        var plan = new Transpose(dims, perm);
        Assert.Equal(collapsed, plan.CollapsedRank);
        var rng = new Random(5);
        float[] x = Reference.RandomFloats(rng, plan.Size);
        var y = new float[plan.Size];
        plan.Apply(x, y);
        Assert.Equal(Expected(x, dims, perm), y);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new Transpose([2, 3], [0, 0]));
        Assert.Throws<ArgumentException>(() => new Transpose([2, 3], [0, 1, 2]));
        Assert.Throws<ArgumentException>(() => new Transpose([2, 0], [1, 0]));
        Assert.Throws<ArgumentException>(() => new Transpose([2, 3], [1, 0]).Apply(new float[6], new float[5]));
    }

    /// <summary>y[j] = x[k] with j[i] = k[perm[i]], by direct index arithmetic over the output.</summary>
    private static float[] Expected(float[] x, int[] dims, int[] perm)
    {
        int rank = dims.Length;
        int[] outDims = [.. perm.Select(a => dims[a])];
        var y = new float[x.Length];
        var j = new int[rank];
        for (int flat = 0; flat < y.Length; flat++)
        {
            for (int a = rank - 1, rest = flat; a >= 0; a--)
            {
                j[a] = rest % outDims[a];
                rest /= outDims[a];
            }
            var k = new int[rank];
            for (int i = 0; i < rank; i++) k[perm[i]] = j[i];
            int source = 0;
            for (int a = 0; a < rank; a++) source = source * dims[a] + k[a];
            y[flat] = x[source];
        }
        return y;
    }
}
