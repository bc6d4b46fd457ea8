using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// Max and average pooling of one NCHW image, channel plane by channel plane. A window's taps sit at
/// start + i·dilation (i &lt; kernel) with start = o·stride − padBegin; taps outside the image are padding.
/// </summary>
[SkipLocalsInit]
public static class Pool2d
{
    /// <summary>
    /// Max over each window (NaN propagates); padding counts as −∞ (a window with no tap inside the image yields −∞).
    /// </summary>
    public static void Max(ReadOnlySpan<float> input, int channels, int height, int width, Window2d window, Span<float> output) =>
        Pool(input, channels, height, width, window, output, max: true, countIncludePad: false);

    /// <summary>
    /// Mean over each window. The divisor counts the taps inside the image, or with <paramref name="countIncludePad"/>
    /// the taps inside the padded image [−padBegin, size + padEnd) (a ceil-mode window running past the end padding
    /// is clipped there, as ONNX Runtime and PyTorch do). A window with no tap inside the image yields 0.
    /// </summary>
    public static void Average(ReadOnlySpan<float> input, int channels, int height, int width, Window2d window, bool countIncludePad,
        Span<float> output) =>
        Pool(input, channels, height, width, window, output, max: false, countIncludePad);

    /// <summary>Mean of each of the <paramref name="channels"/> planes of <paramref name="plane"/> elements.</summary>
    public static void GlobalAverage(ReadOnlySpan<float> input, int channels, int plane, Span<float> output)
    {
        if (input.Length != channels * plane || output.Length != channels || plane <= 0)
        {
            throw new ArgumentException($"global average pooling: input {input.Length} / output {output.Length} elements "
                + $"do not match {channels} channels of {plane}");
        }
        for (int c = 0; c < channels; c++)
        {
            output[c] = TensorPrimitives.Sum(input.Slice(c * plane, plane)) / plane;
        }
    }

    private static void Pool(ReadOnlySpan<float> input, int channels, int height, int width, Window2d w, Span<float> output, bool max,
        bool countIncludePad)
    {
        var (oh, ow) = w.OutputSize(height, width, max ? "max pooling" : "average pooling");
        int inPlane = height * width, outPlane = oh * ow;
        if (channels <= 0 || input.Length != channels * inPlane || output.Length != channels * outPlane)
        {
            throw new ArgumentException($"pooling: input {input.Length} / output {output.Length} elements "
                + $"do not match {channels}×{height}×{width} → {channels}×{oh}×{ow}");
        }
        // Per output row/column: first valid tap, number of valid taps, and the tap count inside the padded extent.
        Span<int> rows = oh <= 512 ? stackalloc int[3 * oh] : new int[3 * oh];
        Span<int> cols = ow <= 512 ? stackalloc int[3 * ow] : new int[3 * ow];
        Taps(oh, height, w.KernelH, w.StrideH, w.PadTop, w.PadBottom, w.DilationH, rows[..oh], rows.Slice(oh, oh), rows[(2 * oh)..]);
        Taps(ow, width, w.KernelW, w.StrideW, w.PadLeft, w.PadRight, w.DilationW, cols[..ow], cols.Slice(ow, ow), cols[(2 * ow)..]);
        Span<float> line = width <= 1024 ? stackalloc float[width] : new float[width];
        // The common 2×2 stride-2 unpadded window: its full windows take a vectorized path, the rest (ceil mode) the general one.
        bool pairs = w is
        {
            KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0,
            DilationH: 1, DilationW: 1
        };
        unsafe
        {
            fixed (float* px = input)
            fixed (float* py = output)
            fixed (int* pr = rows)
            fixed (int* pc = cols)
            fixed (float* pl = line)
            {
                var taps = new TapTable(pr, pr + oh, pr + 2 * oh, pc, pc + ow, pc + 2 * ow, w.DilationH, w.DilationW);
                for (int c = 0; c < channels; c++)
                {
                    float* x = px + (nint)c * inPlane;
                    float* y = py + (nint)c * outPlane;
                    if (pairs) Pairs(x, height, width, y, oh, ow, max);
                    if (max) MaxPlane(x, width, y, oh, ow, taps, pl, pairs);
                    else AveragePlane(x, width, y, oh, ow, taps, countIncludePad, pl, pairs);
                }
            }
        }
    }

    /// <summary>Per-axis tap ranges (see <see cref="Taps"/>) as pointers into pinned tables.</summary>
    private readonly unsafe struct TapTable(int* rowFirst, int* rowCount, int* rowPadded, int* colFirst, int* colCount, int* colPadded,
        int dilationH, int dilationW)
    {
        public readonly int* RowFirst = rowFirst, RowCount = rowCount, RowPadded = rowPadded;
        public readonly int* ColFirst = colFirst, ColCount = colCount, ColPadded = colPadded;
        public readonly int DilationH = dilationH, DilationW = dilationW;
    }

    /// <summary>
    /// Max pooling of one plane in two passes per output row: the vertical max of the window's in-image rows over
    /// the whole width (vectorized, into <paramref name="line"/>), then the max over each window's in-image columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MaxPlane(float* x, int width, float* y, int oh, int ow, TapTable t, float* line, bool pairsDone)
    {
        int dw = t.DilationW;
        for (int oy = 0; oy < oh; oy++, y += ow)
        {
            if (pairsDone && t.RowCount[oy] == 2 && t.ColCount[ow - 1] == 2) continue;
            float* v = ReduceRows(x, width, t.RowFirst[oy], t.RowCount[oy], t.DilationH, line, max: true);
            for (int ox = 0; ox < ow; ox++)
            {
                float* p = v + t.ColFirst[ox];
                int nx = v == null ? 0 : t.ColCount[ox];
                float acc = float.NegativeInfinity;
                for (int j = 0; j < nx; j++) acc = MathF.Max(acc, p[j * dw]);
                y[ox] = acc;
            }
        }
    }

    /// <summary>Average pooling of one plane: vertical sums as in <see cref="MaxPlane"/>, then horizontal sums and the divisor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AveragePlane(float* x, int width, float* y, int oh, int ow, TapTable t, bool countIncludePad,
        float* line, bool pairsDone)
    {
        int dw = t.DilationW;
        for (int oy = 0; oy < oh; oy++, y += ow)
        {
            int ny = t.RowCount[oy];
            if (pairsDone && ny == 2 && t.ColCount[ow - 1] == 2) continue;
            float* v = ReduceRows(x, width, t.RowFirst[oy], ny, t.DilationH, line, max: false);
            for (int ox = 0; ox < ow; ox++)
            {
                float* p = v + t.ColFirst[ox];
                int nx = v == null ? 0 : t.ColCount[ox];
                float acc = 0f;
                for (int j = 0; j < nx; j++) acc += p[j * dw];
                int inside = ny * nx;
                int divisor = countIncludePad ? t.RowPadded[oy] * t.ColPadded[ox] : inside;
                y[ox] = inside > 0 ? acc / divisor : 0f;
            }
        }
    }

    /// <summary>
    /// 2×2 windows at stride 2 without padding: every full window (output rows and columns whose two input rows and
    /// columns exist), 8 outputs per step with Vector512 (4 with Vector256): the vertical max (sum) of two rows of 16
    /// (8) inputs, then of each even lane and its odd neighbour (a shuffle swaps them), then the even lanes are
    /// gathered into the low half and stored; a last step overlapping the previous one covers the remainder (rows
    /// narrower than one step go one window at a time). Partial windows (ceil mode) are left to the general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Pairs(float* x, int height, int width, float* y, int oh, int ow, bool max)
    {
        int rows = Math.Min(oh, height / 2), cols = Math.Min(ow, width / 2);
        for (int oy = 0; oy < rows; oy++)
        {
            float* r0 = x + (nint)(2 * oy) * width, r1 = r0 + width, d = y + (nint)oy * ow;
            int ox = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var swap = Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
                var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
                // The last step overlaps the previous one when cols is not a multiple of 8 (recomputing equal values).
                for (; ox < cols && cols >= 8; ox += 8)
                {
                    ox = Math.Min(ox, cols - 8);
                    var a = Vector512.Load(r0 + 2 * ox);
                    var b = Vector512.Load(r1 + 2 * ox);
                    var v = max ? Vector512.Max(a, b) : a + b;
                    var s = Vector512.Shuffle(v, swap);
                    v = max ? Vector512.Max(v, s) : (v + s) * 0.25f;
                    Vector512.Shuffle(v, evens).GetLower().Store(d + ox);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var swap = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6);
                var evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
                for (; ox < cols && cols >= 4; ox += 4)
                {
                    ox = Math.Min(ox, cols - 4);
                    var a = Vector256.Load(r0 + 2 * ox);
                    var b = Vector256.Load(r1 + 2 * ox);
                    var v = max ? Vector256.Max(a, b) : a + b;
                    var s = Vector256.Shuffle(v, swap);
                    v = max ? Vector256.Max(v, s) : (v + s) * 0.25f;
                    Vector256.Shuffle(v, evens).GetLower().Store(d + ox);
                }
            }
            for (; ox < cols; ox++)
            {
                float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], e = r1[2 * ox + 1];
                d[ox] = max ? MathF.Max(MathF.Max(a, c), MathF.Max(b, e)) : (a + c + (b + e)) * 0.25f;
            }
        }
    }

    /// <summary>
    /// Element-wise max (or sum) of rows first, first + d, … (count rows) of a plane: the row itself when count is 1,
    /// else written to <paramref name="line"/>; null when count is 0 (the window lies in the padding).
    /// </summary>
    private static unsafe float* ReduceRows(float* x, int width, int first, int count, int dilation, float* line, bool max)
    {
        if (count == 0) return null;
        float* r = x + (nint)first * width;
        if (count == 1) return r;
        var acc = new Span<float>(line, width);
        var a = new ReadOnlySpan<float>(r, width);
        for (int i = 1; i < count; i++)
        {
            var b = new ReadOnlySpan<float>(r + (nint)i * dilation * width, width);
            if (max) TensorPrimitives.Max(a, b, acc);
            else TensorPrimitives.Add(a, b, acc);
            a = acc;
        }
        return line;
    }

    /// <summary>
    /// For each output index along one axis: first in-image tap position, count of in-image taps, count of taps inside the
    /// padded axis.
    /// </summary>
    internal static void Taps(int outSize, int size, int kernel, int stride, int padBegin, int padEnd, int dilation,
        Span<int> first, Span<int> count, Span<int> padded)
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
