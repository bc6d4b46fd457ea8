using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Ann2Snn.Graph;

namespace Ann2Snn.Kernels;

/// <summary>
/// Max and average pooling of one NCHW image, channel plane by channel plane. A window's taps sit at
/// start + i·dilation (i &lt; kernel) with start = o·stride − padBegin; taps outside the image are padding.
/// </summary>
[SkipLocalsInit]
public static class Pool2d
{
    /// <summary>Max over each window; padding counts as −∞ (a window with no tap inside the image yields −∞).</summary>
    public static void Max(ReadOnlySpan<float> input, int channels, int height, int width, Window2d window, Span<float> output) =>
        Pool(input, channels, height, width, window, output, max: true, countIncludePad: false);

    /// <summary>
    /// Mean over each window. The divisor counts the taps inside the image, or with <paramref name="countIncludePad"/>
    /// the taps inside the padded image [−padBegin, size + padEnd) (a ceil-mode window running past the end padding
    /// is clipped there, as ONNX Runtime and PyTorch do). A window with no tap inside the image yields 0.
    /// </summary>
    public static void Average(ReadOnlySpan<float> input, int channels, int height, int width, Window2d window, bool countIncludePad, Span<float> output) =>
        Pool(input, channels, height, width, window, output, max: false, countIncludePad);

    /// <summary>Mean of each of the <paramref name="channels"/> planes of <paramref name="plane"/> elements.</summary>
    public static void GlobalAverage(ReadOnlySpan<float> input, int channels, int plane, Span<float> output)
    {
        if (input.Length != channels * plane || output.Length != channels || plane <= 0)
        {
            throw new ArgumentException($"global average pooling: input {input.Length} / output {output.Length} elements do not match {channels} channels of {plane}");
        }
        for (int c = 0; c < channels; c++)
        {
            output[c] = TensorPrimitives.Sum(input.Slice(c * plane, plane)) / plane;
        }
    }

    private static void Pool(ReadOnlySpan<float> input, int channels, int height, int width, Window2d w, Span<float> output, bool max, bool countIncludePad)
    {
        var (oh, ow) = w.OutputSize(height, width, max ? "max pooling" : "average pooling");
        int inPlane = height * width, outPlane = oh * ow;
        if (channels <= 0 || input.Length != channels * inPlane || output.Length != channels * outPlane)
        {
            throw new ArgumentException($"pooling: input {input.Length} / output {output.Length} elements do not match {channels}×{height}×{width} → {channels}×{oh}×{ow}");
        }
        // Per output row/column: first valid tap, number of valid taps, and the tap count inside the padded extent.
        Span<int> rows = oh <= 512 ? stackalloc int[3 * oh] : new int[3 * oh];
        Span<int> cols = ow <= 512 ? stackalloc int[3 * ow] : new int[3 * ow];
        Span<int> rowFirst = rows[..oh], rowCount = rows.Slice(oh, oh), rowPadded = rows[(2 * oh)..];
        Span<int> colFirst = cols[..ow], colCount = cols.Slice(ow, ow), colPadded = cols[(2 * ow)..];
        Taps(oh, height, w.KernelH, w.StrideH, w.PadTop, w.PadBottom, w.DilationH, rowFirst, rowCount, rowPadded);
        Taps(ow, width, w.KernelW, w.StrideW, w.PadLeft, w.PadRight, w.DilationW, colFirst, colCount, colPadded);
        int dh = w.DilationH, dw = w.DilationW;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> x = input.Slice(c * inPlane, inPlane);
            Span<float> y = output.Slice(c * outPlane, outPlane);
            for (int oy = 0; oy < oh; oy++)
            {
                int y0 = rowFirst[oy], ny = rowCount[oy];
                for (int ox = 0; ox < ow; ox++)
                {
                    int x0 = colFirst[ox], nx = colCount[ox];
                    float acc = max ? float.NegativeInfinity : 0f;
                    for (int i = 0; i < ny; i++)
                    {
                        ReadOnlySpan<float> r = x.Slice((y0 + i * dh) * width, width);
                        for (int j = 0; j < nx; j++)
                        {
                            float v = r[x0 + j * dw];
                            acc = max ? (v > acc || float.IsNaN(v) ? v : acc) : acc + v;
                        }
                    }
                    if (!max)
                    {
                        int divisor = countIncludePad ? rowPadded[oy] * colPadded[ox] : ny * nx;
                        acc = divisor > 0 && ny * nx > 0 ? acc / divisor : 0f;
                    }
                    y[oy * ow + ox] = acc;
                }
            }
        }
    }

    /// <summary>For each output index along one axis: first in-image tap position, count of in-image taps, count of taps inside the padded axis.</summary>
    internal static void Taps(int outSize, int size, int kernel, int stride, int padBegin, int padEnd, int dilation, Span<int> first, Span<int> count, Span<int> padded)
    {
        for (int o = 0; o < outSize; o++)
        {
            int start = o * stride - padBegin;
            int f = -1, n = 0, p = 0;
            for (int i = 0; i < kernel; i++)
            {
                int pos = start + i * dilation;
                if (pos >= size + padEnd) break;
                p++;
                if (pos < 0 || pos >= size) continue;
                if (f < 0) f = pos;
                n++;
            }
            first[o] = Math.Max(f, 0);
            count[o] = n;
            padded[o] = p;
        }
    }
}
