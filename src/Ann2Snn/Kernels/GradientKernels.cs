using System.Numerics;
using System.Numerics.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// Backward passes of element-wise operators: each adds ∂y/∂x ⊙ dy into dx (gradients accumulate over a node's consumers).
/// Where an operator has a kink, the derivative taken there is PyTorch's, so gradients agree with it bit for bit in the mask.
/// </summary>
public static class GradientKernels
{
    /// <summary>dx += dy where x &gt; 0 (ReLU; zero at the kink, as PyTorch).</summary>
    public static void Relu(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        Mask(x, 0f, float.PositiveInfinity, false, dy, dx);

    /// <summary>dx += dy where lo ≤ x ≤ hi (clamp; the bounds pass the gradient, as <c>torch.clamp</c>).</summary>
    public static void Clip(ReadOnlySpan<float> x, float lo, float hi, ReadOnlySpan<float> dy, Span<float> dx) =>
        Mask(x, lo, hi, true, dy, dx);

    /// <summary>dx += dy ⊙ (lo &lt; x &lt; hi), or with the bounds included when <paramref name="inclusive"/>.</summary>
    private static void Mask(ReadOnlySpan<float> x, float lo, float hi, bool inclusive, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var vlo = new Vector<float>(lo);
            var vhi = new Vector<float>(hi);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector<int> keep = inclusive
                    ? Vector.GreaterThanOrEqual(v, vlo) & Vector.LessThanOrEqual(v, vhi)
                    : Vector.GreaterThan(v, vlo) & Vector.LessThan(v, vhi);
                Vector<float> g = Vector.ConditionalSelect(keep, new Vector<float>(dy[i..]), Vector<float>.Zero);
                (new Vector<float>(dx[i..]) + g).CopyTo(dx[i..]);
            }
        }
        for (; i < x.Length; i++)
        {
            float v = x[i];
            if (inclusive ? v >= lo && v <= hi : v > lo && v < hi) dx[i] += dy[i];
        }
    }

    /// <summary>dx += dy ⊙ y(1 − y) (sigmoid, from its output).</summary>
    public static void Sigmoid(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(y.Length, dy.Length, dx.Length);
        for (int i = 0; i < y.Length; i++) dx[i] += dy[i] * (y[i] * (1f - y[i]));
    }

    /// <summary>dx += dy ⊙ (1 − y²) (tanh, from its output).</summary>
    public static void Tanh(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(y.Length, dy.Length, dx.Length);
        for (int i = 0; i < y.Length; i++) dx[i] += dy[i] * (1f - (y[i] * y[i]));
    }

    /// <summary>dx += dy where x &gt; 0, else slope·dy (leaky ReLU with one slope).</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float slope, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++) dx[i] += x[i] > 0f ? dy[i] : slope * dy[i];
    }

    /// <summary>dx += dy where x &gt; 0, else dy·(y + α) (ELU: below zero y = α(eˣ − 1), so y′ = y + α).</summary>
    public static void Elu(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float alpha, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++) dx[i] += x[i] > 0f ? dy[i] : dy[i] * (y[i] + alpha);
    }

    /// <summary>dx += α·dy where 0 &lt; αx + β &lt; 1 (hard sigmoid).</summary>
    public static void HardSigmoid(ReadOnlySpan<float> x, float alpha, float beta, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++)
        {
            float v = (alpha * x[i]) + beta;
            if (v > 0f && v < 1f) dx[i] += alpha * dy[i];
        }
    }

    /// <summary>dx += dy·(x/3 + ½) for −3 ≤ x ≤ 3, dy above, 0 below (hard swish, x·relu6(x + 3)/6, as PyTorch).</summary>
    public static void HardSwish(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            if (v < -3f) continue;
            dx[i] += v <= 3f ? dy[i] * ((v / 3f) + 0.5f) : dy[i];
        }
    }

    /// <summary>
    /// Softmax or log-softmax backward over each [outer, length, inner] slice, from the output y: softmax
    /// dx += y ⊙ (dy − Σ dy·y); log-softmax dx += dy − exp(y)·Σ dy (the sums along the axis).
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> y, Tensors.AxisBlock block, bool log, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int length = block.Length, inner = block.Inner, stride = length * inner;
        Check(y.Length, dy.Length, dx.Length);
        for (int o = 0; o < block.Outer; o++)
        {
            for (int k = 0; k < inner; k++)
            {
                int at = (o * stride) + k;
                double sum = 0;
                for (int j = 0; j < length; j++)
                {
                    int e = at + (j * inner);
                    sum += log ? dy[e] : dy[e] * y[e];
                }
                for (int j = 0; j < length; j++)
                {
                    int e = at + (j * inner);
                    dx[e] += log ? dy[e] - (MathF.Exp(y[e]) * (float)sum) : y[e] * (dy[e] - (float)sum);
                }
            }
        }
    }

    /// <summary>dx[map[o]] += dy[o] for every o whose map entry is not negative (the backward of a gather, pad or permutation).</summary>
    public static void Scatter(ReadOnlySpan<int> map, ReadOnlySpan<float> dy, Span<float> dx)
    {
        if (map.Length != dy.Length) throw new ArgumentException($"scatter: {map.Length} indices for {dy.Length} gradients");
        for (int o = 0; o < map.Length; o++)
        {
            int i = map[o];
            if (i >= 0) dx[i] += dy[o];
        }
    }

    /// <summary>dx += dy.</summary>
    public static void Add(ReadOnlySpan<float> dy, Span<float> dx) => TensorPrimitives.Add(dx, dy, dx);

    private static void Check(int x, int dy, int dx)
    {
        if (x != dy || dx != x) throw new ArgumentException($"gradient: {x} values, {dy} output gradients and {dx} input gradients differ");
    }

    /// <summary>dx += dy ⊙ (Φ(x) + x·φ(x)) (exact GELU; Φ, φ the standard normal's distribution and density).</summary>
    public static void Gelu(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double cdf = 0.5 * (1.0 + ActivationKernels.Erf(v * Math.Sqrt(0.5)));
            double pdf = Math.Exp(-0.5 * v * v) / Math.Sqrt(2.0 * Math.PI);
            dx[i] += (float)(dy[i] * (cdf + (v * pdf)));
        }
    }

    /// <summary>dx += dy ⊙ d/dx [x (1 + tanh u) / 2], u = √(2/π)(x + 0.044715 x³).</summary>
    public static void GeluTanh(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        double c = Math.Sqrt(2.0 / Math.PI);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double t = Math.Tanh(c * (v + (0.044715 * v * v * v)));
            double du = c * (1.0 + (3 * 0.044715 * v * v));
            dx[i] += (float)(dy[i] * ((0.5 * (1.0 + t)) + (0.5 * v * (1.0 - (t * t)) * du)));
        }
    }

    /// <summary>dx += dy ⊙ 2/√π · e^(−x²) (erf).</summary>
    public static void Erf(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++) dx[i] += (float)(dy[i] * 2.0 / Math.Sqrt(Math.PI) * Math.Exp(-(double)x[i] * x[i]));
    }

    /// <summary>dx += dy ⊙ 1 / (2y) (square root, from its output).</summary>
    public static void Sqrt(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(y.Length, dy.Length, dx.Length);
        for (int i = 0; i < y.Length; i++) dx[i] += dy[i] * 0.5f / y[i];
    }

    /// <summary>dx += dy ⊙ p·x^(p−1) (a constant exponent p).</summary>
    public static void Pow(ReadOnlySpan<float> x, float p, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(x.Length, dy.Length, dx.Length);
        for (int i = 0; i < x.Length; i++) dx[i] += dy[i] * (p == 2f ? 2f * x[i] : p * MathF.Pow(x[i], p - 1f));
    }
}
