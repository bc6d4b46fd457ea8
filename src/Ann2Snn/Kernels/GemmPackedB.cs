namespace Ann2Snn.Kernels;

/// <summary>op(B)[k×n] packed once (dense-layer weights reused for every chunk).</summary>
public sealed class GemmPackedB : GemmPackedOperand
{
    private GemmPackedB(int k, int n, AlignedFloats data, GemmKernel kernel) : base(k, data, kernel) => N = n;

    /// <summary>Columns of op(B): the columns of C.</summary>
    public int N { get; }

    /// <summary>
    /// Packs op(B)[k×n]: B is stored n×k when <paramref name="transposeB"/> (b[j·ldb + p]), else k×n (b[p·ldb + j]).
    /// </summary>
    public static GemmPackedB Pack(int k, int n, ReadOnlySpan<float> b, int ldb, bool transposeB) =>
        Pack(Gemm.Best, k, n, b, ldb, transposeB);

    internal static unsafe GemmPackedB Pack(GemmKernel kernel, int k, int n, ReadOnlySpan<float> b, int ldb, bool transposeB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Gemm.CheckOperand("B", b, ldb, transposeB ? n : k, transposeB ? k : n);
        int nPadded = Gemm.RoundUp(n, Gemm.NR(kernel));
        var data = new AlignedFloats(Gemm.PackedSizeB(kernel, k, n));
        fixed (float* pb = b)
        fixed (float* pd = data.Span)
        {
            for (int pc = 0; pc < k; pc += Gemm.KC)
            {
                Gemm.PackB(pb, ldb, transposeB, pc, Math.Min(Gemm.KC, k - pc), 0, n, pd + (nint)pc * nPadded, Gemm.NR(kernel));
            }
        }
        return new GemmPackedB(k, n, data, kernel);
    }
}
