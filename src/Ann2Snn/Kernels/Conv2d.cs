using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Ann2Snn.Graph;

namespace Ann2Snn.Kernels;

/// <summary>
/// Geometry of a 2-D convolution over one image: input [C, H, W], weight [O, C/groups, kH, kW], output [O, OH, OW].
/// Constructed once per layer; validates the window and the grouping.
/// </summary>
public sealed class Conv2dGeometry
{
    public Conv2dGeometry(int inChannels, int height, int width, int outChannels, Window2d window, int groups = 1)
    {
        if (inChannels <= 0 || height <= 0 || width <= 0 || outChannels <= 0)
        {
            throw new ArgumentException($"convolution: sizes must be positive (C={inChannels}, H={height}, W={width}, O={outChannels})");
        }
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"convolution: groups={groups} must divide input channels {inChannels} and output channels {outChannels}");
        }
        (OutHeight, OutWidth) = window.OutputSize(height, width, "convolution");
        InChannels = inChannels;
        Height = height;
        Width = width;
        OutChannels = outChannels;
        Window = window;
        Groups = groups;
    }

    public int InChannels { get; }
    public int Height { get; }
    public int Width { get; }
    public int OutChannels { get; }
    public Window2d Window { get; }
    public int Groups { get; }
    public int OutHeight { get; }
    public int OutWidth { get; }

    public int InputSize => InChannels * Height * Width;
    public int OutputSize => OutChannels * OutHeight * OutWidth;
    public int WeightSize => OutChannels * GroupInChannels * Window.KernelH * Window.KernelW;
    public int GroupInChannels => InChannels / Groups;
    public int GroupOutChannels => OutChannels / Groups;

    /// <summary>Rows of the unfolded (im2col) matrix of one group: (C/groups)·kH·kW.</summary>
    public int PatchSize => GroupInChannels * Window.KernelH * Window.KernelW;

    /// <summary>
    /// Grouped so that each output channel reads a single input channel (depthwise, with any channel multiplier):
    /// computed directly. (A single-channel input with one group is better served by im2col + GEMM.)
    /// </summary>
    public bool IsDepthwise => Groups > 1 && GroupInChannels == 1;

    /// <summary>1×1 kernel, unit stride, no padding: the input already is the unfolded matrix.</summary>
    public bool IsPointwise =>
        Window is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0 };

    /// <summary>
    /// Floats of scratch Conv2d.Forward needs (none for depthwise and pointwise layers): one group's
    /// unfolded matrix in the GEMM's packed layout, one unfolded row, and the group's zero-padded input, the last two
    /// with room for a vector's overshoot.
    /// </summary>
    public int ScratchSize => IsDepthwise || IsPointwise ? 0 : PackedColumnsSize + RowSize + PaddedInputSize;

    internal int PackedColumnsSize => Gemm.PackedSizeB(Gemm.Best, PatchSize, OutHeight * OutWidth);
    internal int RowSize => Gemm.RoundUp(OutHeight * OutWidth, Gemm.NR(Gemm.Best)) + Conv2d.Slack;
    internal int PaddedHeight => Height + Window.PadTop + Window.PadBottom;
    internal int PaddedWidth => Width + Window.PadLeft + Window.PadRight;
    internal int PaddedInputSize => GroupInChannels * PaddedHeight * PaddedWidth + Conv2d.Slack;
}

/// <summary>
/// A convolution layer prepared once for repeated use: its geometry, weights and bias, with each group's weight
/// matrix [O/groups × (C/groups)·kH·kW] packed for <see cref="Gemm"/> (not for depthwise layers, computed directly).
/// </summary>
public sealed class Conv2dWeights
{
    public Conv2dWeights(Conv2dGeometry geometry, float[] weight, float[]? bias)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(weight);
        Conv2d.CheckParameters(geometry, weight, bias);
        Geometry = geometry;
        Weight = weight;
        Bias = bias ?? [];
        if (!geometry.IsDepthwise)
        {
            int og = geometry.GroupOutChannels, k = geometry.PatchSize;
            PackedGroups = Enumerable.Range(0, geometry.Groups)
                .Select(g => GemmPackedA.Pack(og, k, weight.AsSpan(g * og * k, og * k), k, transposeA: false))
                .ToArray();
        }
    }

    public Conv2dGeometry Geometry { get; }
    internal float[] Weight { get; }
    internal float[] Bias { get; }
    internal GemmPackedA[]? PackedGroups { get; }
}

/// <summary>2-D convolution of one NCHW image: im2col + <see cref="Gemm"/> per group, or a direct loop for depthwise layers.</summary>
[SkipLocalsInit]
public static class Conv2d
{
    /// <summary>
    /// output[O, OH, OW] = weight ⊛ input + bias. <paramref name="bias"/> is empty or has O elements;
    /// <paramref name="scratch"/> holds at least <see cref="Conv2dGeometry.ScratchSize"/> floats.
    /// </summary>
    public static void Forward(Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(g);
        CheckParameters(g, weight, bias);
        Core(g, input, weight, bias, null, output, scratch);
    }

    /// <summary>As the other overload, with the layer's weights prepared once.</summary>
    public static void Forward(Conv2dWeights layer, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Core(layer.Geometry, input, layer.Weight, layer.Bias, layer.PackedGroups, output, scratch);
    }

    /// <summary>Convolves <paramref name="count"/> consecutive images, renting the scratch once.</summary>
    public static void ForwardBatch(Conv2dWeights layer, ReadOnlySpan<float> input, Span<float> output, int count)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Conv2dGeometry g = layer.Geometry;
        Check(input.Length, (long)count * g.InputSize, "batch input");
        Check(output.Length, (long)count * g.OutputSize, "batch output");
        float[] rent = ArrayPool<float>.Shared.Rent(Math.Max(1, g.ScratchSize));
        try
        {
            Span<float> scratch = rent.AsSpan(0, g.ScratchSize);
            for (int i = 0; i < count; i++)
            {
                Forward(layer, input.Slice(i * g.InputSize, g.InputSize), output.Slice(i * g.OutputSize, g.OutputSize), scratch);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rent);
        }
    }

    internal static void CheckParameters(Conv2dGeometry g, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
    {
        Check(weight.Length, g.WeightSize, "weight");
        if (!bias.IsEmpty && bias.Length != g.OutChannels)
        {
            throw new ArgumentException($"convolution: bias has {bias.Length} elements, expected 0 or {g.OutChannels}", nameof(bias));
        }
    }

    /// <summary>The convolution; <paramref name="packed"/> holds each group's packed weights, or is null to pack per call.</summary>
    private static void Core(Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, GemmPackedA[]? packed, Span<float> output, Span<float> scratch)
    {
        Check(input.Length, g.InputSize, "input");
        Check(output.Length, g.OutputSize, "output");
        Check(scratch.Length, g.ScratchSize, "scratch");
        if (g.IsDepthwise)
        {
            Depthwise(g, input, weight, bias, output);
            return;
        }
        int plane = g.OutHeight * g.OutWidth;
        int inPlane = g.Height * g.Width;
        int k = g.PatchSize;
        int og = g.GroupOutChannels;
        GemmKernel kernel = Gemm.Best;
        int columns = g.PackedColumnsSize;
        for (int group = 0; group < g.Groups; group++)
        {
            ReadOnlySpan<float> x = input.Slice(group * g.GroupInChannels * inPlane, g.GroupInChannels * inPlane);
            ReadOnlySpan<float> w = weight.Slice(group * og * k, og * k);
            ReadOnlySpan<float> wPacked = packed is null ? default : packed[group].Data;
            Span<float> y = output.Slice(group * og * plane, og * plane);
            ReadOnlySpan<float> b = bias.IsEmpty ? default : bias.Slice(group * og, og);
            GemmBias biasKind = bias.IsEmpty ? GemmBias.None : GemmBias.PerRow;
            // out_g[og × plane] = W_g[og × k] · col[k × plane] + bias_g (one value per row); a 1×1 layer's col is its input.
            ReadOnlySpan<float> col = x, colPacked = default;
            if (!g.IsPointwise)
            {
                Im2ColPacked(g, x, scratch, kernel);
                colPacked = scratch[..columns];
            }
            Gemm.Core(kernel, og, plane, k, w, k, false, wPacked, col, plane, false, colPacked, y, plane, b, biasKind, false);
        }
    }

    private static void Check(int actual, long needed, string what)
    {
        if (what == "scratch" ? actual < needed : actual != needed)
        {
            throw new ArgumentException($"convolution: {what} has {actual} elements, expected {needed}");
        }
    }

    /// <summary>Floats a vector copy may run past the end of its source and destination (one Vector512).</summary>
    internal const int Slack = 16;

    /// <summary>
    /// Unfolds one group's input [Cg, H, W] into the matrix col[(c·kH + ky)·kW + kx, oy·OW + ox] =
    /// xpad[c, oy·sH + ky·dH, ox·sW + kx·dW], where xpad is the zero-padded input, written straight into the GEMM's
    /// packed B layout (what <see cref="Gemm"/> would otherwise copy col into). Scratch holds, in order: the packed
    /// matrix, one row of col, and xpad. Each row of col is built in the row buffer (output row oy is a run of OW
    /// values of xpad) and zero-padded to whole panels, then cut into NR-column panel rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Im2ColPacked(Conv2dGeometry g, ReadOnlySpan<float> x, Span<float> scratch, GemmKernel kernel)
    {
        Window2d w = g.Window;
        int h = g.Height, wd = g.Width, oh = g.OutHeight, ow = g.OutWidth, plane = oh * ow;
        int hp = g.PaddedHeight, wp = g.PaddedWidth, cg = g.GroupInChannels;
        int k = g.PatchSize, nr = Gemm.NR(kernel), nPadded = Gemm.RoundUp(plane, nr);
        int sh = w.StrideH, sw = w.StrideW;
        Span<float> packedSpan = scratch[..g.PackedColumnsSize];
        Span<float> rowSpan = scratch.Slice(packedSpan.Length, g.RowSize);
        Span<float> padSpan = scratch.Slice(packedSpan.Length + rowSpan.Length, g.PaddedInputSize);

        // xpad: the image framed by zeros. Only the frame is cleared: clearing the whole buffer first and then
        // writing the image into it measured 4× slower than both apart (the clear's stores evict the lines).
        for (int c = 0; c < cg; c++)
        {
            Span<float> plane0 = padSpan.Slice(c * hp * wp, hp * wp);
            plane0[..(w.PadTop * wp)].Clear();
            plane0[((w.PadTop + h) * wp)..].Clear();
            for (int iy = 0; iy < h; iy++)
            {
                Span<float> line = plane0.Slice((iy + w.PadTop) * wp, wp);
                line[..w.PadLeft].Clear();
                x.Slice((c * h + iy) * wd, wd).CopyTo(line[w.PadLeft..]);
                line[(w.PadLeft + wd)..].Clear();
            }
        }

        fixed (float* packed = packedSpan)
        fixed (float* row = rowSpan)
        fixed (float* xpad = padSpan)
        {
            int p = 0;
            for (int c = 0; c < cg; c++)
            {
                for (int ky = 0; ky < w.KernelH; ky++)
                {
                    for (int kx = 0; kx < w.KernelW; kx++, p++)
                    {
                        float* src = xpad + (nint)(c * hp + ky * w.DilationH) * wp + kx * w.DilationW;
                        if (sw == 1)
                        {
                            // Output rows in order: each vector copy may overshoot into the next row's place, which is written next.
                            for (int oy = 0; oy < oh; oy++) CopyOvershooting(src + (nint)oy * sh * wp, row + oy * ow, ow);
                        }
                        else
                        {
                            for (int oy = 0; oy < oh; oy++)
                            {
                                float* s = src + (nint)oy * sh * wp;
                                float* d = row + oy * ow;
                                for (int ox = 0; ox < ow; ox++) d[ox] = s[ox * sw];
                            }
                        }
                        // Zero the row's tail up to the panel width (the last output row's copy overshoots into it).
                        new Span<float>(row + plane, nPadded - plane).Clear();
                        // Row p lives in K block pc: panel j of that block starts at pc·nPadded + j·kc·nr, row p − pc within it.
                        int pc = p - p % Gemm.KC, kc = Math.Min(Gemm.KC, k - pc);
                        float* dst = packed + (nint)pc * nPadded + (p - pc) * nr;
                        for (int j0 = 0; j0 < plane; j0 += nr, dst += kc * nr) CopyOvershooting(row + j0, dst, nr);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="length"/> floats in whole vectors: may read and write up to <see cref="Slack"/> − 1
    /// floats past the end, so both buffers need that room and a later write must fix the destination's overshoot.
    /// When length is a multiple of the vector width nothing runs over.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopyOvershooting(float* src, float* dst, int length)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i < length; i += Vector512<float>.Count) Vector512.Load(src + i).Store(dst + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i < length; i += Vector256<float>.Count) Vector256.Load(src + i).Store(dst + i);
        }
        else
        {
            for (; i < length; i++) dst[i] = src[i];
        }
    }

    /// <summary>Output positions o in [lo, hi) whose input position o·stride + offset lies inside [0, size).</summary>
    internal static (int Lo, int Hi) ValidRange(int offset, int stride, int size, int outSize)
    {
        // o·stride + offset ≥ 0  ⇔  o ≥ ceil(−offset / stride); o·stride + offset ≤ size − 1  ⇔  o ≤ floor((size − 1 − offset) / stride).
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int last = size - 1 - offset;
        int hi = last < 0 ? 0 : last / stride + 1;
        return (Math.Min(lo, outSize), Math.Clamp(hi, 0, outSize));
    }

    /// <summary>
    /// Direct convolution when each output channel reads one input channel (groups = C > 1): for each kernel tap, the
    /// output plane accumulates weight × the shifted input, row by row over the valid columns (vectorized by
    /// <see cref="TensorPrimitives"/> when the stride is 1).
    /// </summary>
    private static void Depthwise(Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output)
    {
        Window2d w = g.Window;
        int h = g.Height, wd = g.Width, oh = g.OutHeight, ow = g.OutWidth, plane = oh * ow;
        int taps = w.KernelH * w.KernelW;
        int multiplier = g.GroupOutChannels;
        for (int o = 0; o < g.OutChannels; o++)
        {
            ReadOnlySpan<float> xc = input.Slice(o / multiplier * h * wd, h * wd);
            Span<float> y = output.Slice(o * plane, plane);
            y.Fill(bias.IsEmpty ? 0f : bias[o]);
            for (int ky = 0; ky < w.KernelH; ky++)
            {
                for (int kx = 0; kx < w.KernelW; kx++)
                {
                    float wt = weight[o * taps + ky * w.KernelW + kx];
                    int offX = kx * w.DilationW - w.PadLeft;
                    var (lo, hi) = ValidRange(offX, w.StrideW, wd, ow);
                    if (lo >= hi) continue;
                    for (int oy = 0; oy < oh; oy++)
                    {
                        int iy = w.InputRow(oy, ky);
                        if ((uint)iy >= (uint)h) continue;
                        ReadOnlySpan<float> src = xc.Slice(iy * wd, wd);
                        Span<float> d = y.Slice(oy * ow + lo, hi - lo);
                        if (w.StrideW == 1)
                        {
                            TensorPrimitives.FusedMultiplyAdd(src.Slice(lo + offX, hi - lo), wt, d, d);
                        }
                        else
                        {
                            for (int i = 0; i < d.Length; i++) d[i] = MathF.FusedMultiplyAdd(src[(lo + i) * w.StrideW + offX], wt, d[i]);
                        }
                    }
                }
            }
        }
    }
}
