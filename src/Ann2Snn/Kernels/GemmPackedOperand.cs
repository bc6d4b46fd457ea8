namespace Ann2Snn.Kernels;

/// <summary>
/// A constant operand of <see cref="Gemm"/> packed once for repeated products, in the panel layout of the
/// micro-kernel this machine uses: K blocks of <see cref="Gemm.KC"/>, each a run of zero-padded MR-row (A) or
/// NR-column (B) panels.
/// </summary>
public abstract class GemmPackedOperand
{
    private readonly AlignedFloats _data;

    private protected GemmPackedOperand(int k, AlignedFloats data, GemmKernel kernel)
    {
        K = k;
        _data = data;
        Kernel = kernel;
    }

    /// <summary>The shared dimension of the product.</summary>
    public int K { get; }

    /// <summary>The packed panels, starting on a cache line.</summary>
    internal ReadOnlySpan<float> Data => _data.Span;
    internal GemmKernel Kernel { get; }
}
