using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>2-D convolution of one NCHW image: im2col + <see cref="Gemm"/> per group, or a direct loop for depthwise layers.</summary>
[SkipLocalsInit]
public static class Conv2d
{
    /// <summary>
    /// output[O, OH, OW] = weight ⊛ input + bias. <paramref name="bias"/> is empty or has O elements;
    /// <paramref name="scratch"/> holds at least <see cref="Conv2dGeometry.ScratchSize"/> floats.
    /// </summary>
    public static void Forward(Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> output, Span<float> scratch)
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

    /// <summary>
    /// Columns (images × OH·OW) a batched convolution aims to put in one GEMM: enough to fill whole panels, so a small output
    /// plane does not leave most of its last panel empty.
    /// </summary>
    internal const int BatchColumns = 512;

    /// <summary>
    /// Floats of packed unfolded columns a batched convolution keeps at once (1 MiB, so they stay in L2 while the GEMM reads them).
    /// </summary>
    internal const int BatchColumnsBudget = 1 << 18;

    /// <summary>
    /// Convolves <paramref name="count"/> consecutive images. Images with a small output plane go through the GEMM in
    /// blocks: per group, the unfolded matrices of a block's images are packed side by side (N = images × OH·OW, about
    /// <see cref="BatchColumns"/>, within <see cref="BatchColumnsBudget"/>) and multiplied by the packed weights once,
    /// then each image's rows are copied out; larger planes, and depthwise and pointwise layers, run image by image.
    /// (Wider blocks measured slower: the packed columns leave the cache.) The GEMM sums every element in the same
    /// order whatever N, so each image's output is bit for bit what
    /// <see cref="Forward(Conv2dWeights, ReadOnlySpan{float}, Span{float}, Span{float})"/> gives.
    /// </summary>
    public static void ForwardBatch(Conv2dWeights layer, ReadOnlySpan<float> input, Span<float> output, int count)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ForwardBatch(layer, input, output, count, BatchBlock(layer.Geometry, count));
    }

    /// <summary>
    /// As the public overload, with <paramref name="block"/> images side by side in each GEMM (the last block may hold fewer).
    /// </summary>
    internal static void ForwardBatch(Conv2dWeights layer, ReadOnlySpan<float> input, Span<float> output, int count, int block)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Conv2dGeometry g = layer.Geometry;
        Check(input.Length, (long)count * g.InputSize, "batch input");
        Check(output.Length, (long)count * g.OutputSize, "batch output");
        block = g.IsDepthwise || g.IsPointwise ? 1 : Math.Clamp(block, 1, Math.Max(1, count));
        GemmKernel kernel = Gemm.Best;
        int plane = g.OutHeight * g.OutWidth;
        int scratchSize = block <= 1 ? g.ScratchSize : g.ColumnsScratchSize(block) + g.GroupOutChannels * block * plane;
        Span<float> scratch = Scratch(scratchSize);
        if (block <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                Forward(layer, input.Slice(i * g.InputSize, g.InputSize), output.Slice(i * g.OutputSize, g.OutputSize), scratch);
            }
            return;
        }
        for (int i0 = 0; i0 < count; i0 += block)
        {
            int images = Math.Min(block, count - i0);
            Block(layer, kernel, input.Slice(i0 * g.InputSize, images * g.InputSize),
                output.Slice(i0 * g.OutputSize, images * g.OutputSize), images, scratch);
        }
    }

    [ThreadStatic]
    private static AlignedFloats? t_scratch;

    /// <summary>
    /// This thread's scratch of at least <paramref name="size"/> floats, kept between calls and starting on a cache
    /// line: the unfolded columns at its start are the GEMM's packed B panels, read with full-width vector loads.
    /// </summary>
    private static Span<float> Scratch(int size)
    {
        if (t_scratch is null || t_scratch.Length < size) t_scratch = new AlignedFloats(Math.Max(size, (t_scratch?.Length ?? 0) * 3 / 2));
        return t_scratch.AsSpan(0, size);
    }

    /// <summary>
    /// Images a batched convolution of <paramref name="count"/> images puts side by side in one GEMM: 1 for depthwise and
    /// pointwise layers and for planes of <see cref="BatchColumns"/>/2 or more.
    /// </summary>
    internal static int BatchBlock(Conv2dGeometry g, int count)
    {
        int plane = g.OutHeight * g.OutWidth;
        if (g.IsDepthwise || g.IsPointwise || count <= 1) return 1;
        return Math.Clamp(Math.Min(BatchColumns / plane, BatchColumnsBudget / (g.PatchSize * plane)), 1, count);
    }

    /// <summary>
    /// One block of <paramref name="images"/> images: per group, their unfolded matrices side by side in packed B, one GEMM
    /// into the product [O/groups × images·plane], whose rows are then copied to each image's output.
    /// </summary>
    private static void Block(Conv2dWeights layer, GemmKernel kernel, ReadOnlySpan<float> input, Span<float> output, int images,
        Span<float> scratch)
    {
        Conv2dGeometry g = layer.Geometry;
        int plane = g.OutHeight * g.OutWidth, k = g.PatchSize, og = g.GroupOutChannels, n = images * plane;
        Span<float> columns = scratch[..g.ColumnsScratchSize(images)];
        Span<float> product = scratch.Slice(columns.Length, og * n);
        ReadOnlySpan<float> bias = layer.Bias;
        for (int group = 0; group < g.Groups; group++)
        {
            Im2ColPacked(g, input, images, group, columns, kernel);
            Gemm.Core(kernel, og, n, k, layer.Weight.AsSpan(group * og * k, og * k), k, false, layer.PackedGroups![group].Data,
                default, n, false, columns[..g.PackedColumnsSize(images)],
                product, n, bias.IsEmpty ? default : bias.Slice(group * og, og), bias.IsEmpty ? GemmBias.None : GemmBias.PerRow, false);
            for (int b = 0; b < images; b++)
            {
                for (int o = 0; o < og; o++)
                {
                    product.Slice(o * n + b * plane, plane).CopyTo(output.Slice(b * g.OutputSize + (group * og + o) * plane, plane));
                }
            }
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
    private static void Core(Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        GemmPackedA[]? packed, Span<float> output, Span<float> scratch)
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
                Im2ColPacked(g, input, 1, group, scratch, kernel);
                colPacked = scratch[..g.PackedColumnsSize(1)];
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
    /// Unfolds group <paramref name="group"/> of <paramref name="images"/> consecutive images (input [C, H, W] each) into
    /// the matrix col[(c·kH + ky)·kW + kx, b·plane + oy·OW + ox] = xpad_b[c, oy·sH + ky·dH, ox·sW + kx·dW], where xpad_b
    /// is image b's group input framed by zeros: the images' unfolded matrices side by side, written straight into the
    /// GEMM's packed B layout (what <see cref="Gemm"/> would otherwise copy col into). Scratch holds, in order (see
    /// <see cref="Conv2dGeometry.ColumnsScratchSize"/>): the packed matrix, one row of col, and each image's xpad. Each
    /// row of col is built in the row buffer (output row oy of image b is a run of OW values of xpad_b) and zero-padded
    /// to whole panels, then cut into NR-column panel rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Im2ColPacked(Conv2dGeometry g, ReadOnlySpan<float> input, int images, int group, Span<float> scratch,
        GemmKernel kernel)
    {
        Window2d w = g.Window;
        int h = g.Height, wd = g.Width, oh = g.OutHeight, ow = g.OutWidth, plane = oh * ow, n = images * plane;
        int hp = g.PaddedHeight, wp = g.PaddedWidth, cg = g.GroupInChannels, padSize = g.PaddedInputSize;
        int k = g.PatchSize, nr = Gemm.NR(kernel), nPadded = Gemm.RoundUp(n, nr);
        int sh = w.StrideH, sw = w.StrideW;
        Span<float> packedSpan = scratch[..g.PackedColumnsSize(images)];
        Span<float> rowSpan = scratch.Slice(packedSpan.Length, g.RowSize(images));
        Span<float> padSpan = scratch.Slice(packedSpan.Length + rowSpan.Length, images * padSize);

        // xpad_b: the image framed by zeros. Only the frame is cleared: clearing the whole buffer first and then
        // writing the image into it measured 4× slower than both apart (the clear's stores evict the lines).
        for (int b = 0; b < images; b++)
        {
            ReadOnlySpan<float> x = input.Slice(b * g.InputSize + group * cg * h * wd, cg * h * wd);
            for (int c = 0; c < cg; c++)
            {
                Span<float> plane0 = padSpan.Slice(b * padSize + c * hp * wp, hp * wp);
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
                        for (int b = 0; b < images; b++)
                        {
                            float* src = xpad + (nint)b * padSize + (nint)(c * hp + ky * w.DilationH) * wp + kx * w.DilationW;
                            float* line = row + (nint)b * plane;
                            if (sw == 1)
                            {
                                // Output rows in order, images in order: each vector copy may overshoot into the next
                                // row's place, which is written next.
                                for (int oy = 0; oy < oh; oy++) CopyOvershooting(src + (nint)oy * sh * wp, line + oy * ow, ow);
                            }
                            else
                            {
                                for (int oy = 0; oy < oh; oy++)
                                {
                                    float* s = src + (nint)oy * sh * wp;
                                    float* d = line + oy * ow;
                                    for (int ox = 0; ox < ow; ox++) d[ox] = s[ox * sw];
                                }
                            }
                        }
                        // Zero the row's tail up to the panel width (the last output row's copy overshoots into it).
                        new Span<float>(row + n, nPadded - n).Clear();
                        // Row p lives in K block pc: panel j of that block starts at pc·nPadded + j·kc·nr, row p − pc within it.
                        int pc = p - p % Gemm.KC, kc = Math.Min(Gemm.KC, k - pc);
                        float* dst = packed + (nint)pc * nPadded + (p - pc) * nr;
                        for (int j0 = 0; j0 < n; j0 += nr, dst += kc * nr) CopyOvershooting(row + j0, dst, nr);
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
        // o·stride + offset ≥ 0  ⇔  o ≥ ceil(−offset / stride);
        // o·stride + offset ≤ size − 1  ⇔  o ≤ floor((size − 1 − offset) / stride).
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
    private static void Depthwise(Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> output)
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
