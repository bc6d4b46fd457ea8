using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
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

    /// <summary>Each output channel reads a single input channel (depthwise, with any channel multiplier): computed directly.</summary>
    public bool IsDepthwise => GroupInChannels == 1;

    /// <summary>1×1 kernel, unit stride, no padding: the input already is the unfolded matrix.</summary>
    public bool IsPointwise =>
        Window is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0 };

    /// <summary>Floats of scratch <see cref="Conv2d.Forward"/> needs: one group's im2col matrix, or none.</summary>
    public int ScratchSize => IsDepthwise || IsPointwise ? 0 : PatchSize * OutHeight * OutWidth;
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
        Check(input.Length, g.InputSize, "input");
        Check(weight.Length, g.WeightSize, "weight");
        Check(output.Length, g.OutputSize, "output");
        Check(scratch.Length, g.ScratchSize, "scratch");
        if (!bias.IsEmpty && bias.Length != g.OutChannels)
        {
            throw new ArgumentException($"convolution: bias has {bias.Length} elements, expected 0 or {g.OutChannels}", nameof(bias));
        }
        if (g.IsDepthwise)
        {
            Depthwise(g, input, weight, bias, output);
            return;
        }
        int plane = g.OutHeight * g.OutWidth;
        int inPlane = g.Height * g.Width;
        int k = g.PatchSize;
        int og = g.GroupOutChannels;
        for (int group = 0; group < g.Groups; group++)
        {
            ReadOnlySpan<float> x = input.Slice(group * g.GroupInChannels * inPlane, g.GroupInChannels * inPlane);
            ReadOnlySpan<float> col;
            if (g.IsPointwise)
            {
                col = x;
            }
            else
            {
                Im2Col(g, x, scratch);
                col = scratch;
            }
            // out_g[og × plane] = W_g[og × k] · col[k × plane] + bias_g (one value per row).
            Gemm.Multiply(
                og, plane, k,
                weight.Slice(group * og * k, og * k), k, false,
                col, plane, false,
                output.Slice(group * og * plane, og * plane), plane,
                bias.IsEmpty ? default : bias.Slice(group * og, og),
                bias.IsEmpty ? GemmBias.None : GemmBias.PerRow);
        }
    }

    /// <summary>Convolves <paramref name="count"/> consecutive images, renting the scratch once.</summary>
    public static void ForwardBatch(Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, int count)
    {
        ArgumentNullException.ThrowIfNull(g);
        Check(input.Length, (long)count * g.InputSize, "batch input");
        Check(output.Length, (long)count * g.OutputSize, "batch output");
        float[] rent = ArrayPool<float>.Shared.Rent(Math.Max(1, g.ScratchSize));
        try
        {
            Span<float> scratch = rent.AsSpan(0, g.ScratchSize);
            for (int i = 0; i < count; i++)
            {
                Forward(g, input.Slice(i * g.InputSize, g.InputSize), weight, bias, output.Slice(i * g.OutputSize, g.OutputSize), scratch);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rent);
        }
    }

    private static void Check(int actual, long needed, string what)
    {
        if (what == "scratch" ? actual < needed : actual != needed)
        {
            throw new ArgumentException($"convolution: {what} has {actual} elements, expected {needed}");
        }
    }

    /// <summary>
    /// Unfolds one group's input [Cg, H, W] into col[(c·kH + ky)·kW + kx, oy·OW + ox] = x[c, oy·sH − pT + ky·dH,
    /// ox·sW − pL + kx·dW], zero outside the image. Each row of col is built one output row at a time: the valid
    /// output columns [lo, hi) are copied (contiguously when the stride is 1), the rest set to zero.
    /// </summary>
    internal static void Im2Col(Conv2dGeometry g, ReadOnlySpan<float> x, Span<float> col)
    {
        Window2d w = g.Window;
        int h = g.Height, wd = g.Width, oh = g.OutHeight, ow = g.OutWidth, plane = oh * ow;
        int row = 0;
        for (int c = 0; c < g.GroupInChannels; c++)
        {
            ReadOnlySpan<float> xc = x.Slice(c * h * wd, h * wd);
            for (int ky = 0; ky < w.KernelH; ky++)
            {
                for (int kx = 0; kx < w.KernelW; kx++, row++)
                {
                    Span<float> dst = col.Slice(row * plane, plane);
                    int offX = kx * w.DilationW - w.PadLeft;
                    var (lo, hi) = ValidRange(offX, w.StrideW, wd, ow);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        Span<float> d = dst.Slice(oy * ow, ow);
                        int iy = oy * w.StrideH - w.PadTop + ky * w.DilationH;
                        if ((uint)iy >= (uint)h || lo >= hi)
                        {
                            d.Clear();
                            continue;
                        }
                        d[..lo].Clear();
                        d[hi..].Clear();
                        ReadOnlySpan<float> src = xc.Slice(iy * wd, wd);
                        if (w.StrideW == 1)
                        {
                            src.Slice(lo + offX, hi - lo).CopyTo(d[lo..hi]);
                        }
                        else
                        {
                            for (int ox = lo; ox < hi; ox++) d[ox] = src[ox * w.StrideW + offX];
                        }
                    }
                }
            }
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
    /// Direct convolution when each output channel reads one input channel (groups = C): for each kernel tap, the
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
                        int iy = oy * w.StrideH - w.PadTop + ky * w.DilationH;
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
