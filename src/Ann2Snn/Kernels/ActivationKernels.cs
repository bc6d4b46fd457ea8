using System.Numerics.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// The element-wise activations of the ANN executor (the formulas of <c>Graph.ActivationKind</c>) as a few vectorized
/// <see cref="TensorPrimitives"/> passes each. <c>x</c> and <c>y</c> have one length and must not overlap.
/// </summary>
public static class ActivationKernels
{
    /// <summary>Elements per stack-allocated scratch tile (1 KiB).</summary>
    private const int Tile = 256;

    /// <summary>y = 1 / (1 + e^−x).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        // TensorPrimitives.Sigmoid refuses empty spans.
        if (!x.IsEmpty || !y.IsEmpty) TensorPrimitives.Sigmoid(x, y);
    }

    /// <summary>y = tanh x.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <summary>
    /// y = x for x ≥ 0, α·x below: max(x, α·x) when α ≤ 1 and min(x, α·x) when α &gt; 1 (on either side of 0 the branch
    /// wanted is the larger, resp. the smaller, of the two), so each output is α·x or x rounded once.
    /// </summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        TensorPrimitives.Multiply(x, alpha, y);
        if (alpha <= 1) TensorPrimitives.Max(x, y, y);
        else TensorPrimitives.Min(x, y, y);
    }

    /// <summary>
    /// y = x for x ≥ 0, s·x below, on one sample of channels × <paramref name="plane"/> elements, with 1 slope, one per
    /// channel (each channel a <see cref="LeakyRelu"/>) or one per element.
    /// </summary>
    public static void PRelu(ReadOnlySpan<float> x, int plane, ReadOnlySpan<float> slope, Span<float> y)
    {
        int size = x.Length;
        if (plane <= 0 || size % plane != 0 || y.Length != size || !(slope.Length is 1 || slope.Length == size
            || slope.Length == size / plane))
        {
            throw new ArgumentException($"prelu: {size} inputs, {y.Length} outputs and {slope.Length} slopes do not fit planes of {plane}");
        }
        if (slope.Length == 1)
        {
            LeakyRelu(x, slope[0], y);
        }
        else if (slope.Length == size)
        {
            // Slopes on both sides of 1 mix max and min; a branch per element is simplest (rare: a slope per element).
            for (int i = 0; i < size; i++) y[i] = x[i] >= 0 ? x[i] : slope[i] * x[i];
        }
        else
        {
            for (int c = 0; c < slope.Length; c++) LeakyRelu(x.Slice(c * plane, plane), slope[c], y.Slice(c * plane, plane));
        }
    }

    /// <summary>
    /// y = x for x &gt; 0, α·(e^x − 1) otherwise, as max(x, 0) + α·expm1(min(x, 0)), in tiles with a stack scratch.
    /// </summary>
    public static void Elu(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        CheckLengths(x, y, "elu");
        Span<float> scratch = stackalloc float[Tile];
        for (int start = 0; start < x.Length; start += Tile)
        {
            int n = Math.Min(Tile, x.Length - start);
            ReadOnlySpan<float> xs = x.Slice(start, n);
            Span<float> ys = y.Slice(start, n), t = scratch[..n];
            TensorPrimitives.Min(xs, 0f, t);
            TensorPrimitives.ExpM1(t, t);
            TensorPrimitives.Max(xs, 0f, ys);
            TensorPrimitives.MultiplyAdd(t, alpha, ys, ys);
        }
    }

    /// <summary>y = max(0, min(1, α·x + β)).</summary>
    public static void HardSigmoid(ReadOnlySpan<float> x, float alpha, float beta, Span<float> y)
    {
        TensorPrimitives.Multiply(x, alpha, y);
        TensorPrimitives.Add(y, beta, y);
        TensorPrimitives.Clamp(y, 0f, 1f, y);
    }

    /// <summary>y = x · max(0, min(1, x/6 + 1/2)).</summary>
    public static void HardSwish(ReadOnlySpan<float> x, Span<float> y)
    {
        HardSigmoid(x, 1f / 6, 0.5f, y);
        TensorPrimitives.Multiply(y, x, y);
    }

    /// <summary>
    /// The quantized clip of QCFS: y = λ·clip(⌊x·L/λ + φ⌋ / L, 0, 1). The level ⌊x·L/λ + φ⌋ is computed in double precision
    /// from the float x (x·L is exact there), so an input exactly on a level boundary lands on the upper level.
    /// </summary>
    public static void QuantizedClip(ReadOnlySpan<float> x, float lambda, int levels, float shift, Span<float> y)
    {
        CheckLengths(x, y, "QuantizedClip");
        double lambdaD = lambda, step = lambdaD / levels;
        for (int i = 0; i < x.Length; i++)
        {
            double level = Math.Floor((double)x[i] * levels / lambdaD + shift);
            y[i] = (float)(Math.Clamp(level, 0, levels) * step);
        }
    }

    /// <summary>y = x · (1 + erf(x / √2)) / 2 (exact GELU), in double precision per element.</summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x, y, "Gelu");
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(0.5 * v * (1.0 + Erf(v * Math.Sqrt(0.5))));
        }
    }

    /// <summary>y = x · (1 + tanh(√(2/π) · (x + 0.044715 x³))) / 2 (tanh-approximate GELU), in double precision.</summary>
    public static void GeluTanh(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x, y, "GeluTanh");
        double c = Math.Sqrt(2.0 / Math.PI);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(0.5 * v * (1.0 + Math.Tanh(c * (v + (0.044715 * v * v * v)))));
        }
    }

    /// <summary>y = erf x, in double precision per element (see <see cref="Erf(double)"/>).</summary>
    public static void Erf(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x, y, "Erf");
        for (int i = 0; i < x.Length; i++) y[i] = (float)Erf((double)x[i]);
    }

    /// <summary>
    /// erf x to about 1e-15 relative: the Maclaurin series Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)) · 2/√π for |x| &lt; 2.5, and
    /// beyond it 1 − erfc x from erfc's continued fraction (Lentz's method), e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + …))).
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a < 2.5)
        {
            double term = x, sum = x, x2 = x * x;
            for (int n = 1; n < 60 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
            {
                term *= -x2 / n;
                sum += term / ((2 * n) + 1);
            }
            return sum * 2.0 / Math.Sqrt(Math.PI);
        }
        if (a > 6.0) return Math.Sign(x);
        // erfc a = e^(−a²)/√π · K, K = 1/(a + (1/2)/(a + (2/2)/(a + (3/2)/(a + …)))), evaluated from the bottom up.
        double k = a;
        for (int n = 60; n >= 1; n--) k = a + (n / 2.0 / k);
        double erfc = Math.Exp(-a * a) / Math.Sqrt(Math.PI) / k;
        return Math.Sign(x) * (1.0 - erfc);
    }

    /// <summary>y = x^p for a constant exponent p (x² exactly as x·x).</summary>
    public static void Pow(ReadOnlySpan<float> x, float p, Span<float> y)
    {
        CheckLengths(x, y, "Pow");
        if (p == 2f) TensorPrimitives.Multiply(x, x, y);
        else if (p == 1f) x.CopyTo(y);
        else TensorPrimitives.Pow(x, p, y);
    }

    private static void CheckLengths(ReadOnlySpan<float> x, Span<float> y, string what)
    {
        if (x.Length != y.Length) throw new ArgumentException($"{what}: {x.Length} inputs but {y.Length} outputs");
    }
}
