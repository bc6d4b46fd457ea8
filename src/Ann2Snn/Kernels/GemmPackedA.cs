namespace Ann2Snn.Kernels;

/// <summary>op(A)[m×k] packed once (convolution weights reused for every image).</summary>
public sealed class GemmPackedA : GemmPackedOperand
{
    private GemmPackedA(int m, int k, AlignedFloats data, GemmKernel kernel) : base(k, data, kernel) => M = m;

    /// <summary>Rows of op(A): the rows of C.</summary>
    public int M { get; }

    /// <summary>
    /// Packs op(A)[m×k]: A is stored k×m when <paramref name="transposeA"/> (a[p·lda + i]), else m×k (a[i·lda + p]).
    /// </summary>
    public static GemmPackedA Pack(int m, int k, ReadOnlySpan<float> a, int lda, bool transposeA) =>
        Pack(Gemm.Best, m, k, a, lda, transposeA);

    internal static unsafe GemmPackedA Pack(GemmKernel kernel, int m, int k, ReadOnlySpan<float> a, int lda, bool transposeA)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        Gemm.CheckOperand("A", a, lda, transposeA ? k : m, transposeA ? m : k);
        int mPadded = Gemm.RoundUp(m, Gemm.MR(kernel));
        var data = new AlignedFloats(Gemm.PackedSizeA(kernel, m, k));
        fixed (float* pa = a)
        fixed (float* pd = data.Span)
        {
            for (int pc = 0; pc < k; pc += Gemm.KC)
            {
                Gemm.PackA(pa, lda, transposeA, 0, m, pc, Math.Min(Gemm.KC, k - pc), pd + (nint)pc * mPadded, Gemm.MR(kernel));
            }
        }
        return new GemmPackedA(m, k, data, kernel);
    }
}
