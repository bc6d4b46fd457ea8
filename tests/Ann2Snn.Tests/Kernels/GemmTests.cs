using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Ann2Snn.Kernels;

namespace Ann2Snn.Tests.Kernels;

public sealed class GemmTests
{
    private static readonly int[] Sizes = [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 257];

    /// <summary>Every micro-kernel variant this machine can run (the scalar one always).</summary>
    public static TheoryData<int> Variants()
    {
        var data = new TheoryData<int> { (int)GemmKernel.Scalar };
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported) data.Add((int)GemmKernel.Vector256);
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) data.Add((int)GemmKernel.Vector512);
        return data;
    }

    public static TheoryData<int, int> VariantsAndSizes()
    {
        var data = new TheoryData<int, int>();
        foreach (int v in Variants()) foreach (int s in Sizes) data.Add(v, s);
        return data;
    }

    /// <summary>One product against the double-precision triple loop, with ld padding, transposes, bias and accumulate.</summary>
    private static void Check(GemmKernel kernel, int m, int n, int k, bool ta, bool tb, GemmBias biasKind, bool accumulate, int pad,
        int seed)
    {
        var rng = new Random(seed);
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        float[] a = Reference.RandomFloats(rng, Math.Max(0, (ta ? k : m) * lda));
        float[] b = Reference.RandomFloats(rng, Math.Max(0, (tb ? n : k) * ldb));
        float[] c = Reference.RandomFloats(rng, m * ldc);
        float[] c0 = (float[])c.Clone();
        float[] bias = Reference.RandomFloats(rng, biasKind == GemmBias.PerRow ? m : biasKind == GemmBias.PerColumn ? n : 0);
        Gemm.Multiply(kernel, m, n, k, a, lda, ta, b, ldb, tb, c, ldc, bias, biasKind, accumulate);
        var (value, magnitude) = Reference.Gemm(m, n, k, a, lda, ta, b, ldb, tb);
        string context = $"{kernel} m={m} n={n} k={k} ta={ta} tb={tb} bias={biasKind} acc={accumulate} pad={pad}";
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = value[i * n + j]
                    + (accumulate ? c0[i * ldc + j] : 0)
                    + (biasKind == GemmBias.PerRow ? bias[i] : biasKind == GemmBias.PerColumn ? bias[j] : 0);
                double bound = 2.0 * (k + 2) * Math.Pow(2, -24) * (magnitude[i * n + j] + 2) + 1e-7;
                float actual = c[i * ldc + j];
                if (!(Math.Abs(actual - expected) <= bound)) Assert.Fail($"{context}: C[{i},{j}] = {actual}, "
                    + $"expected {expected} ± {bound}");
            }
            // Padding columns of C are never written.
            for (int j = n; j < ldc; j++) Assert.Equal(c0[i * ldc + j], c[i * ldc + j]);
        }
    }

    [Theory]
    [MemberData(nameof(VariantsAndSizes))]
    public void EachSizeAsM(int variant, int size)
        => Check((GemmKernel)variant, size, 17, 9, false, false, GemmBias.None, false, 0, 1000 + size);

    [Theory]
    [MemberData(nameof(VariantsAndSizes))]
    public void EachSizeAsN(int variant, int size)
        => Check((GemmKernel)variant, 9, size, 15, false, true, GemmBias.PerColumn, false, 0, 2000 + size);

    [Theory]
    [MemberData(nameof(VariantsAndSizes))]
    public void EachSizeAsK(int variant, int size)
        => Check((GemmKernel)variant, 13, 33, size, true, false, GemmBias.PerRow, true, 3, 3000 + size);

    [Theory]
    [MemberData(nameof(Variants))]
    public void RandomCombinationsOfAwkwardSizes(int variant)
    {
        var rng = new Random(42);
        for (int t = 0; t < 40; t++)
        {
            int m = Sizes[rng.Next(Sizes.Length)], n = Sizes[rng.Next(Sizes.Length)], k = Sizes[rng.Next(Sizes.Length)];
            if ((long)m * n * k > 2_000_000) k = Math.Min(k, 17);
            Check((GemmKernel)variant, m, n, k, rng.Next(2) == 1, rng.Next(2) == 1, (GemmBias)rng.Next(3), rng.Next(2) == 1,
                rng.Next(3), t);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void CrossesEveryBlockBoundary(int variant)
    {
        // K over two KC blocks, M over two MC blocks, and N over one NC block.
        Check((GemmKernel)variant, 2 * Gemm.MC + 5, 40, 2 * Gemm.KC + 3, false, true, GemmBias.PerColumn, false, 1, 7);
        Check((GemmKernel)variant, 7, Gemm.NC + 45, 5, true, false, GemmBias.PerRow, true, 0, 8);
    }

    [Fact]
    public void AllVariantsAgreeBitForBit()
    {
        var rng = new Random(5);
        int m = 70, n = 90, k = 300;
        float[] a = Reference.RandomFloats(rng, m * k), b = Reference.RandomFloats(rng, k * n), bias = Reference.RandomFloats(rng, n);
        float[]? first = null;
        foreach (int v in Variants())
        {
            var c = new float[m * n];
            Gemm.Multiply((GemmKernel)v, m, n, k, a, k, false, b, n, false, c, n, bias, GemmBias.PerColumn, false);
            if (first is null) first = c;
            else Assert.Equal(first, c);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void PackedBGivesTheSameBits(int variant)
    {
        var rng = new Random(9);
        int m = 37, n = 45, k = 600;
        float[] a = Reference.RandomFloats(rng, m * k), w = Reference.RandomFloats(rng, n * k), bias = Reference.RandomFloats(rng, n);
        var direct = new float[m * n];
        Gemm.Multiply((GemmKernel)variant, m, n, k, a, k, false, w, k, true, direct, n, bias, GemmBias.PerColumn, false);
        GemmPackedB packed = GemmPackedB.Pack((GemmKernel)variant, k, n, w, k, transposeB: true);
        var viaPacked = new float[m * n];
        Gemm.Multiply(m, a, k, false, packed, viaPacked, n, bias, GemmBias.PerColumn);
        Assert.Equal(direct, viaPacked);
        // Splitting M (as the executor's chunks do) changes nothing either.
        var split = new float[m * n];
        Gemm.Multiply(10, a, k, false, packed, split, n, bias, GemmBias.PerColumn);
        Gemm.Multiply(m - 10, a.AsSpan(10 * k), k, false, packed, split.AsSpan(10 * n), n, bias, GemmBias.PerColumn);
        Assert.Equal(direct, split);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void PackedAGivesTheSameBits(int variant)
    {
        var rng = new Random(10);
        foreach (var (m, n, k, ta) in new[] { (64, 196, 288, false), (13, 40, 9, true), (2 * Gemm.MC + 3, 17, 300, false) })
        {
            int lda = ta ? m : k;
            float[] a = Reference.RandomFloats(rng, m * k), b = Reference.RandomFloats(rng, k * n), bias = Reference.RandomFloats(rng, m);
            var direct = new float[m * n];
            Gemm.Multiply((GemmKernel)variant, m, n, k, a, lda, ta, b, n, false, direct, n, bias, GemmBias.PerRow, false);
            GemmPackedA packed = GemmPackedA.Pack((GemmKernel)variant, m, k, a, lda, ta);
            var viaPacked = new float[m * n];
            Gemm.Multiply(packed, n, b, n, false, viaPacked, n, bias, GemmBias.PerRow);
            Assert.Equal(direct, viaPacked);
        }
    }

    [Fact]
    public void RejectsOperandsThatDoNotFit()
    {
        var ex = Assert.Throws<ArgumentException>(
            () => Gemm.Multiply(4, 4, 4, new float[15], 4, false, new float[16], 4, false, new float[16], 4));
        Assert.Contains("operand A", ex.Message);
        ex = Assert.Throws<ArgumentException>(
            () => Gemm.Multiply(4, 4, 4, new float[16], 3, false, new float[16], 4, false, new float[16], 4));
        Assert.Contains("leading dimension 3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(4, 4, 4, new float[16], 4, false, new float[16], 4, false,
            new float[16], 4, new float[3], GemmBias.PerColumn));
        Assert.Contains("bias", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(
            () => Gemm.Multiply(-1, 4, 4, new float[16], 4, false, new float[16], 4, false, new float[16], 4));
    }
}
