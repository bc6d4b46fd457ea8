namespace Ann2Snn.Kernels;

/// <summary>
/// Layer normalization of contiguous slices of n elements: μ = Σ xᵢ / n, σ² = Σ (xᵢ − μ)² / n (two passes, summed in
/// double), yᵢ = (xᵢ − μ)/√(σ² + ε)·γᵢ + βᵢ, γ and β of 1 or n elements; and its gradient.
/// </summary>
public static class LayerNormKernels
{
    /// <summary>Normalizes each of the x.Length / n slices of <paramref name="x"/> into <paramref name="y"/>.</summary>
    public static void Forward(ReadOnlySpan<float> x, int n, float epsilon, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y)
    {
        for (int start = 0; start + n <= x.Length; start += n)
        {
            ReadOnlySpan<float> s = x.Slice(start, n);
            (double mean, double rstd) = Moments(s, epsilon);
            for (int i = 0; i < n; i++)
            {
                double g = gamma.Length == 1 ? gamma[0] : gamma[i], b = beta.Length == 1 ? beta[0] : beta[i];
                y[start + i] = (float)(((s[i] - mean) * rstd * g) + b);
            }
        }
    }

    /// <summary>
    /// dx += rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·γ and x̂ the normalized input; with <paramref name="dGamma"/>
    /// (not empty), dγ += Σ dy·x̂ and dβ += Σ dy, per element (or summed, for a single γ or β).
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, int n, float epsilon, ReadOnlySpan<float> gamma, ReadOnlySpan<float> dy,
        Span<float> dx, Span<float> dGamma, Span<float> dBeta)
    {
        var xhat = new double[n];
        var ghat = new double[n];
        for (int start = 0; start + n <= x.Length; start += n)
        {
            (double mean, double rstd) = Moments(x.Slice(start, n), epsilon);
            double meanG = 0, meanGx = 0;
            for (int i = 0; i < n; i++)
            {
                xhat[i] = (x[start + i] - mean) * rstd;
                ghat[i] = dy[start + i] * (double)(gamma.Length == 1 ? gamma[0] : gamma[i]);
                meanG += ghat[i];
                meanGx += ghat[i] * xhat[i];
            }
            meanG /= n;
            meanGx /= n;
            for (int i = 0; i < n; i++)
            {
                dx[start + i] += (float)(rstd * (ghat[i] - meanG - (xhat[i] * meanGx)));
                if (dGamma.IsEmpty) continue;
                dGamma[dGamma.Length == 1 ? 0 : i] += (float)(dy[start + i] * xhat[i]);
                dBeta[dBeta.Length == 1 ? 0 : i] += dy[start + i];
            }
        }
    }

    private static (double Mean, double Rstd) Moments(ReadOnlySpan<float> s, float epsilon)
    {
        double sum = 0;
        foreach (float v in s) sum += v;
        double mean = sum / s.Length, squares = 0;
        foreach (float v in s) squares += (v - mean) * (v - mean);
        return (mean, 1.0 / Math.Sqrt((squares / s.Length) + epsilon));
    }
}
