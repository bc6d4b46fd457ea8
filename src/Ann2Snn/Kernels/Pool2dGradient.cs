using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>Backward passes of <see cref="Pool2d"/> over one NCHW image; each adds into dx.</summary>
public static class Pool2dGradient
{
    /// <summary>
    /// Max pooling: each output's gradient goes to the first largest input of its window, scanning rows then columns (PyTorch's
    /// choice; a window that lies wholly in the padding passes nothing).
    /// </summary>
    public static void Max(ReadOnlySpan<float> x, int channels, int height, int width, Window2d w, ReadOnlySpan<float> dy,
        Span<float> dx)
    {
        var (oh, ow) = Check(x.Length, dy.Length, dx.Length, channels, height, width, w, "max pooling");
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> xc = x.Slice(c * height * width, height * width);
            Span<float> dxc = dx.Slice(c * height * width, height * width);
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    int best = -1;
                    float max = float.NegativeInfinity;
                    for (int ky = 0; ky < w.KernelH; ky++)
                    {
                        int iy = w.InputRow(oy, ky);
                        if ((uint)iy >= (uint)height) continue;
                        for (int kx = 0; kx < w.KernelW; kx++)
                        {
                            int ix = w.InputColumn(ox, kx);
                            if ((uint)ix >= (uint)width) continue;
                            float v = xc[(iy * width) + ix];
                            if (best < 0 || v > max || float.IsNaN(v))
                            {
                                best = (iy * width) + ix;
                                max = v;
                                if (float.IsNaN(v)) goto found;
                            }
                        }
                    }
                found:
                    if (best >= 0) dxc[best] += dy[(c * oh * ow) + (oy * ow) + ox];
                }
            }
        }
    }

    /// <summary>
    /// Average pooling: each output's gradient, divided by its window's divisor (the taps inside the image, or inside the
    /// padded extent with <paramref name="countIncludePad"/>, as the forward pass divides), to each tap inside the image.
    /// </summary>
    public static void Average(ReadOnlySpan<float> dy, int channels, int height, int width, Window2d w, bool countIncludePad,
        Span<float> dx)
    {
        var (oh, ow) = Check(dx.Length, dy.Length, dx.Length, channels, height, width, w, "average pooling");
        int[] r = new int[3 * oh], col = new int[3 * ow];
        Pool2d.Taps(oh, height, w.KernelH, w.StrideH, w.PadTop, w.PadBottom, w.DilationH, r.AsSpan(0, oh), r.AsSpan(oh, oh),
            r.AsSpan(2 * oh, oh));
        Pool2d.Taps(ow, width, w.KernelW, w.StrideW, w.PadLeft, w.PadRight, w.DilationW, col.AsSpan(0, ow), col.AsSpan(ow, ow),
            col.AsSpan(2 * ow, ow));
        for (int c = 0; c < channels; c++)
        {
            Span<float> dxc = dx.Slice(c * height * width, height * width);
            for (int oy = 0; oy < oh; oy++)
            {
                int rowFirst = r[oy], rowCount = r[oh + oy];
                for (int ox = 0; ox < ow; ox++)
                {
                    int colFirst = col[ox], colCount = col[ow + ox];
                    int divisor = countIncludePad ? r[(2 * oh) + oy] * col[(2 * ow) + ox] : rowCount * colCount;
                    if (divisor == 0 || rowCount == 0 || colCount == 0) continue;
                    float g = dy[(c * oh * ow) + (oy * ow) + ox] / divisor;
                    for (int i = 0; i < rowCount; i++)
                    {
                        int iy = rowFirst + (i * w.DilationH);
                        for (int j = 0; j < colCount; j++) dxc[(iy * width) + colFirst + (j * w.DilationW)] += g;
                    }
                }
            }
        }
    }

    /// <summary>Global average pooling: dx[c, p] += dy[c] / plane.</summary>
    public static void GlobalAverage(ReadOnlySpan<float> dy, int channels, int plane, Span<float> dx)
    {
        if (dy.Length != channels || dx.Length != channels * plane)
        {
            throw new ArgumentException($"global average pooling gradient: {dy.Length} / {dx.Length} elements do not match "
                + $"{channels} channels of {plane}");
        }
        for (int c = 0; c < channels; c++)
        {
            float g = dy[c] / plane;
            Span<float> dxc = dx.Slice(c * plane, plane);
            for (int p = 0; p < plane; p++) dxc[p] += g;
        }
    }

    private static (int H, int W) Check(int x, int dy, int dx, int channels, int height, int width, Window2d w, string what)
    {
        var (oh, ow) = w.OutputSize(height, width, what);
        if (channels <= 0 || x != channels * height * width || dx != x || dy != channels * oh * ow)
        {
            throw new ArgumentException($"{what} gradient: {x} inputs, {dy} output gradients and {dx} input gradients do not "
                + $"match {channels}×{height}×{width} → {channels}×{oh}×{ow}");
        }
        return (oh, ow);
    }
}
