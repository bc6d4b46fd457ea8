using System.Numerics.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// The functions of the spike-equivalent operators (softmax, LayerNorm, GELU, batched matrix product), on one sample's
/// row-major values. <c>x</c> and <c>y</c> have one length and must not overlap unless said otherwise.
/// </summary>
public static class OperatorKernels
{
    /// <summary>Softmax of every row of <paramref name="rowLength"/> elements (<see cref="Elementwise.Softmax"/> per row).</summary>
    public static void SoftmaxRows(ReadOnlySpan<float> x, int rowLength, Span<float> y)
    {
        for (int at = 0; at < x.Length; at += rowLength) Elementwise.Softmax(x.Slice(at, rowLength), y.Slice(at, rowLength));
    }

    /// <summary>
    /// LayerNorm of every row of γ.Length elements: y = γ ⊙ (x − μ) / √(σ² + ε) + β, with μ the row's mean and
    /// σ² = mean((x − μ)²) its biased variance (two passes, so that a large mean does not cancel the variance).
    /// </summary>
    public static void LayerNormRows(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon,
        Span<float> y)
    {
        int d = gamma.Length;
        for (int at = 0; at < x.Length; at += d)
        {
            ReadOnlySpan<float> row = x.Slice(at, d);
            Span<float> output = y.Slice(at, d);
            float mean = TensorPrimitives.Sum(row) / d;
            TensorPrimitives.Subtract(row, mean, output);
            float variance = TensorPrimitives.SumOfSquares(output) / d;
            TensorPrimitives.Multiply(output, 1f / MathF.Sqrt(variance + epsilon), output);
            TensorPrimitives.MultiplyAdd(output, gamma, beta, output);
        }
    }

    /// <summary>
    /// The exact GELU, y = x/2 · (1 + erf(x/√2)), element-wise (<paramref name="x"/> and <paramref name="y"/> may be one span).
    /// </summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(0.5 * v * (1 + Erf(v * 0.70710678118654752)));
        }
    }

    /// <summary>
    /// erf(x) through the Chebyshev fit of erfc(|x|) = t·exp(−x² + P(t)), t = 1/(1 + |x|/2), whose fractional error is below
    /// 1.2e-7 everywhere (Numerical Recipes, §6.2): ample for float results.
    /// </summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
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
