using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Kernels;

/// <summary>Naive double-precision oracles for the kernels, written from the definitions (no blocking, no packing).</summary>
internal static class Reference
{
    public static float[] RandomFloats(Random rng, int length, float scale = 1f)
    {
        var v = new float[length];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return v;
    }

    /// <summary>op(A)·op(B) in double, and Σ|a||b| per element (for the error bound).</summary>
    public static (double[] Value, double[] Magnitude) Gemm(int m, int n, int k, float[] a, int lda, bool ta, float[] b, int ldb, bool tb)
    {
        var value = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0, g = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = ta ? a[p * lda + i] : a[i * lda + p];
                    double y = tb ? b[j * ldb + p] : b[p * ldb + j];
                    s += x * y;
                    g += Math.Abs(x * y);
                }
                value[i * n + j] = s;
                magnitude[i * n + j] = g;
            }
        }
        return (value, magnitude);
    }

    /// <summary>Direct convolution of one image from the definition, in double.</summary>
    public static double[] Conv2d(float[] x, int c, int h, int w, float[] weight, float[]? bias, int o, Window2d win, int groups)
    {
        var (oh, ow) = win.OutputSize(h, w, "reference");
        int cg = c / groups, og = o / groups;
        var y = new double[o * oh * ow];
        for (int oc = 0; oc < o; oc++)
        {
            int g = oc / og;
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double s = bias?[oc] ?? 0;
                    for (int ic = 0; ic < cg; ic++)
                    {
                        for (int ky = 0; ky < win.KernelH; ky++)
                        {
                            for (int kx = 0; kx < win.KernelW; kx++)
                            {
                                int iy = oy * win.StrideH - win.PadTop + ky * win.DilationH;
                                int ix = ox * win.StrideW - win.PadLeft + kx * win.DilationW;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                s += (double)weight[((oc * cg + ic) * win.KernelH + ky) * win.KernelW + kx]
                                    * x[((g * cg + ic) * h + iy) * w + ix];
                            }
                        }
                    }
                    y[(oc * oh + oy) * ow + ox] = s;
                }
            }
        }
        return y;
    }

    /// <summary>
    /// Pooling from an explicitly padded copy of each plane: cells of the padded plane are either image values or
    /// padding; a window's taps that fall past the padded plane (ceil mode) are dropped.
    /// </summary>
    public static double[] Pool(float[] x, int c, int h, int w, Window2d win, bool max, bool countIncludePad)
    {
        var (oh, ow) = win.OutputSize(h, w, "reference");
        int ph = h + win.PadTop + win.PadBottom, pw = w + win.PadLeft + win.PadRight;
        var y = new double[c * oh * ow];
        for (int ch = 0; ch < c; ch++)
        {
            // padded[py, px]: NaN marks padding.
            var padded = new double[ph, pw];
            for (int py = 0; py < ph; py++)
            {
                for (int px = 0; px < pw; px++)
                {
                    int iy = py - win.PadTop, ix = px - win.PadLeft;
                    padded[py, px] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[(ch * h + iy) * w + ix] : double.NaN;
                }
            }
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int inside = 0, cells = 0;
                    for (int ky = 0; ky < win.KernelH; ky++)
                    {
                        for (int kx = 0; kx < win.KernelW; kx++)
                        {
                            int py = oy * win.StrideH + ky * win.DilationH, px = ox * win.StrideW + kx * win.DilationW;
                            if (py >= ph || px >= pw) continue;
                            cells++;
                            double v = padded[py, px];
                            if (double.IsNaN(v)) continue;
                            inside++;
                            best = Math.Max(best, v);
                            sum += v;
                        }
                    }
                    y[(ch * oh + oy) * ow + ox] = max ? best : inside == 0 ? 0 : sum / (countIncludePad ? cells : inside);
                }
            }
        }
        return y;
    }

    /// <summary>
    /// Transposed convolution from its definition, in double: every input cell scatters x·W into
    /// y[o, iy·sH − pT + ky·dH, ix·sW − pL + kx·dW] (weight [C, O/g, kH, kW]); cells outside the output are dropped.
    /// </summary>
    public static double[] ConvTranspose2d(float[] x, int c, int h, int w, float[] weight, float[]? bias, int o, Window2d win,
        int groups, int outputPaddingH, int outputPaddingW)
    {
        int oh = (h - 1) * win.StrideH + win.DilationH * (win.KernelH - 1) + 1 + outputPaddingH - win.PadTop - win.PadBottom;
        int ow = (w - 1) * win.StrideW + win.DilationW * (win.KernelW - 1) + 1 + outputPaddingW - win.PadLeft - win.PadRight;
        int cg = c / groups, og = o / groups;
        var y = new double[o * oh * ow];
        for (int oc = 0; oc < o; oc++)
        {
            for (int i = 0; i < oh * ow; i++) y[oc * oh * ow + i] = bias?[oc] ?? 0;
        }
        for (int ic = 0; ic < c; ic++)
        {
            int g = ic / cg;
            for (int iy = 0; iy < h; iy++)
            {
                for (int ix = 0; ix < w; ix++)
                {
                    double v = x[(ic * h + iy) * w + ix];
                    for (int oo = 0; oo < og; oo++)
                    {
                        for (int ky = 0; ky < win.KernelH; ky++)
                        {
                            for (int kx = 0; kx < win.KernelW; kx++)
                            {
                                int oy = iy * win.StrideH - win.PadTop + ky * win.DilationH;
                                int ox = ix * win.StrideW - win.PadLeft + kx * win.DilationW;
                                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                                double tap = weight[((ic * og + oo) * win.KernelH + ky) * win.KernelW + kx];
                                y[((g * og + oo) * oh + oy) * ow + ox] += v * tap;
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    /// <summary>
    /// A random permutation of <paramref name="rank"/> axes applied to a row-major tensor, from the definition: every
    /// input element x[k] goes to y[j] with j[i] = k[perm[i]]. Returns the permutation, the output dims and y.
    /// </summary>
    public static (int[] Perm, int[] OutDims, float[] Y) Transposed(Random rng, float[] x, int[] dims)
    {
        int rank = dims.Length;
        int[] perm = [.. Enumerable.Range(0, rank).OrderBy(_ => rng.Next())];
        int[] outDims = [.. perm.Select(a => dims[a])];
        var y = new float[x.Length];
        var k = new int[rank];
        for (int flat = 0; flat < x.Length; flat++)
        {
            for (int a = rank - 1, rest = flat; a >= 0; a--)
            {
                k[a] = rest % dims[a];
                rest /= dims[a];
            }
            int j = 0;
            for (int i = 0; i < rank; i++) j = j * outDims[i] + k[perm[i]];
            y[j] = x[flat];
        }
        return (perm, outDims, y);
    }

    public static void AssertClose(double[] expected, float[] actual, double tolerance, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(1, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance * scale) && !(double.IsInfinity(expected[i]) && expected[i] == actual[i]))
            {
                Assert.Fail($"{context}: element {i} is {actual[i]}, expected {expected[i]} (tolerance {tolerance})");
            }
        }
    }
}
