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
    /// <summary>Max over each window (NaN propagates); padding counts as −∞ (a window with no tap inside the image yields −∞).</summary>
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
        Taps(oh, height, w.KernelH, w.StrideH, w.PadTop, w.PadBottom, w.DilationH, rows[..oh], rows.Slice(oh, oh), rows[(2 * oh)..]);
        Taps(ow, width, w.KernelW, w.StrideW, w.PadLeft, w.PadRight, w.DilationW, cols[..ow], cols.Slice(ow, ow), cols[(2 * ow)..]);
        unsafe
        {
            fixed (float* px = input)
            fixed (float* py = output)
            fixed (int* pr = rows)
            fixed (int* pc = cols)
            {
                var taps = new TapTable(pr, pr + oh, pr + 2 * oh, pc, pc + ow, pc + 2 * ow, w.DilationH, w.DilationW);
                for (int c = 0; c < channels; c++)
                {
                    float* x = px + (nint)c * inPlane;
                    float* y = py + (nint)c * outPlane;
                    if (max) MaxPlane(x, width, y, oh, ow, taps);
                    else AveragePlane(x, width, y, oh, ow, taps, countIncludePad);
                }
            }
        }
    }

    /// <summary>Per-axis tap ranges (see <see cref="Taps"/>) as pointers into pinned tables.</summary>
    private readonly unsafe struct TapTable(int* rowFirst, int* rowCount, int* rowPadded, int* colFirst, int* colCount, int* colPadded, int dilationH, int dilationW)
    {
        public readonly int* RowFirst = rowFirst, RowCount = rowCount, RowPadded = rowPadded;
        public readonly int* ColFirst = colFirst, ColCount = colCount, ColPadded = colPadded;
        public readonly int DilationH = dilationH, DilationW = dilationW;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MaxPlane(float* x, int width, float* y, int oh, int ow, TapTable t)
    {
        int dh = t.DilationH, dw = t.DilationW;
        for (int oy = 0; oy < oh; oy++)
        {
            float* rows = x + (nint)t.RowFirst[oy] * width;
            int ny = t.RowCount[oy];
            for (int ox = 0; ox < ow; ox++)
            {
                float* r = rows + t.ColFirst[ox];
                int nx = t.ColCount[ox];
                float acc = float.NegativeInfinity;
                for (int i = 0; i < ny; i++, r += dh * width)
                {
                    for (int j = 0; j < nx; j++) acc = MathF.Max(acc, r[j * dw]);
                }
                *y++ = acc;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AveragePlane(float* x, int width, float* y, int oh, int ow, TapTable t, bool countIncludePad)
    {
        int dh = t.DilationH, dw = t.DilationW;
        for (int oy = 0; oy < oh; oy++)
        {
            float* rows = x + (nint)t.RowFirst[oy] * width;
            int ny = t.RowCount[oy];
            for (int ox = 0; ox < ow; ox++)
            {
                float* r = rows + t.ColFirst[ox];
                int nx = t.ColCount[ox];
                float acc = 0f;
                for (int i = 0; i < ny; i++, r += dh * width)
                {
                    for (int j = 0; j < nx; j++) acc += r[j * dw];
                }
                int inside = ny * nx;
                int divisor = countIncludePad ? t.RowPadded[oy] * t.ColPadded[ox] : inside;
                *y++ = inside > 0 ? acc / divisor : 0f;
            }
        }
    }

    /// <summary>For each output index along one axis: first in-image tap position, count of in-image taps, count of taps inside the padded axis.</summary>
    private static void Taps(int outSize, int size, int kernel, int stride, int padBegin, int padEnd, int dilation, Span<int> first, Span<int> count, Span<int> padded)
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
