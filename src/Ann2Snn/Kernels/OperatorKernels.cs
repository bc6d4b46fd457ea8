namespace Ann2Snn.Kernels;

/// <summary>
/// Softmax by rows and the batched matrix product of the spike-equivalent operators, on one sample's row-major values
/// (LayerNorm and GELU are <see cref="LayerNormKernels"/> and <see cref="ActivationKernels"/>'s). <c>x</c> and <c>y</c>
/// have one length and must not overlap.
/// </summary>
public static class OperatorKernels
{
    /// <summary>Softmax of every row of <paramref name="rowLength"/> elements (<see cref="Elementwise.Softmax"/> per row).</summary>
    public static void SoftmaxRows(ReadOnlySpan<float> x, int rowLength, Span<float> y)
    {
        for (int at = 0; at < x.Length; at += rowLength) Elementwise.Softmax(x.Slice(at, rowLength), y.Slice(at, rowLength));
    }

    /// <summary>
    /// C[g] = A[aOffsets[g]] · B[bOffsets[g]] for every batch g of a batched product (m×k by k×n, row-major, batches at
    /// the given element offsets; broadcasting is the offsets repeating), through <see cref="Gemm"/>.
    /// </summary>
    public static void BatchedMatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n,
        ReadOnlySpan<int> aOffsets, ReadOnlySpan<int> bOffsets, Span<float> c)
    {
        for (int g = 0; g < aOffsets.Length; g++)
        {
            Gemm.Multiply(m, n, k, a.Slice(aOffsets[g], m * k), k, false, b.Slice(bOffsets[g], k * n), n, false,
                c.Slice(g * m * n, m * n), n);
        }
    }
}
