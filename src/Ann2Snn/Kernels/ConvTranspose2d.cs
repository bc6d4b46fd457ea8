using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Ann2Snn.Kernels;

/// <summary>
/// 2-D transposed convolution of NCHW images as GEMM + col2im: per group, the columns
/// col[(o·kH + ky)·kW + kx, iy·W + ix] = Σ_c W[c, o, ky, kx]·x[c, iy, ix] are one product W_gᵀ·X_g, and col2im adds
/// each column entry into y[o, iy·sH − pT + ky·dH, ix·sW − pL + kx·dW] when that cell lies inside the output.
/// </summary>
[SkipLocalsInit]
public static class ConvTranspose2d
{
    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>Runs <paramref name="count"/> consecutive images through the layer.</summary>
    public static void ForwardBatch(ConvTranspose2dWeights layer, ReadOnlySpan<float> input, Span<float> output, int count)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ConvTranspose2dGeometry g = layer.Geometry;
        if (input.Length != (long)count * g.InputSize || output.Length != (long)count * g.OutputSize)
        {
            throw new ArgumentException($"transposed convolution: {count} images need {(long)count * g.InputSize} → "
                + $"{(long)count * g.OutputSize} values, got {input.Length} → {output.Length}");
        }
        if (t_scratch is null || t_scratch.Length < g.ScratchSize) t_scratch = new float[g.ScratchSize];
        for (int i = 0; i < count; i++)
        {
            Forward(layer, input.Slice(i * g.InputSize, g.InputSize), output.Slice(i * g.OutputSize, g.OutputSize),
                t_scratch.AsSpan(0, g.ScratchSize));
        }
    }

    /// <summary>One image; <paramref name="scratch"/> holds at least <see cref="ConvTranspose2dGeometry.ScratchSize"/> floats.</summary>
    public static void Forward(ConvTranspose2dWeights layer, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ConvTranspose2dGeometry g = layer.Geometry;
        if (input.Length != g.InputSize || output.Length != g.OutputSize || scratch.Length < g.ScratchSize)
        {
            throw new ArgumentException($"transposed convolution: input {input.Length}, output {output.Length}, scratch "
                + $"{scratch.Length} elements; expected {g.InputSize}, {g.OutputSize}, ≥ {g.ScratchSize}");
        }
        int inPlane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth;
        int og = g.GroupOutChannels, cg = g.GroupInChannels, m = g.PatchSize;
        for (int o = 0; o < g.OutChannels; o++)
        {
            output.Slice(o * outPlane, outPlane).Fill(layer.Bias.Length == 0 ? 0f : layer.Bias[o]);
        }
        Span<float> columns = scratch[..(m * inPlane)];
        for (int group = 0; group < g.Groups; group++)
        {
            // col[m × H·W] = W_gᵀ[m × C/g] · X_g[C/g × H·W]
            Gemm.Multiply(layer.PackedGroups[group], inPlane, input.Slice(group * cg * inPlane, cg * inPlane), inPlane, false,
                columns, inPlane);
            Col2Im(g, columns, output.Slice(group * og * outPlane, og * outPlane));
        }
    }

    /// <summary>Adds each row (o, ky, kx) of the column matrix into output channel o at its taps' positions.</summary>
    private static void Col2Im(ConvTranspose2dGeometry g, ReadOnlySpan<float> columns, Span<float> output)
    {
        var w = g.Window;
        int h = g.Height, wd = g.Width, oh = g.OutHeight, ow = g.OutWidth, inPlane = h * wd;
        for (int o = 0; o < g.GroupOutChannels; o++)
        {
            Span<float> plane = output.Slice(o * oh * ow, oh * ow);
            for (int ky = 0; ky < w.KernelH; ky++)
            {
                for (int kx = 0; kx < w.KernelW; kx++)
                {
                    ReadOnlySpan<float> row = columns.Slice(((o * w.KernelH + ky) * w.KernelW + kx) * inPlane, inPlane);
                    // Input columns whose output column ix·sW − pL + kx·dW lies in [0, OW).
                    int shift = kx * w.DilationW - w.PadLeft;
                    int ix0 = Math.Max(0, CeilDiv(-shift, w.StrideW));
                    int ix1 = Math.Min(wd, FloorDiv(ow - 1 - shift, w.StrideW) + 1);
                    if (ix0 >= ix1) continue;
                    int n = ix1 - ix0, ox0 = ix0 * w.StrideW + shift;
                    for (int iy = 0; iy < h; iy++)
                    {
                        int oy = iy * w.StrideH - w.PadTop + ky * w.DilationH;
                        if ((uint)oy >= (uint)oh) continue;
                        ReadOnlySpan<float> source = row.Slice(iy * wd + ix0, n);
                        Span<float> target = plane.Slice(oy * ow);
                        if (w.StrideW == 1)
                        {
                            TensorPrimitives.Add(target.Slice(ox0, n), source, target.Slice(ox0, n));
                        }
                        else
                        {
                            for (int i = 0; i < n; i++) target[ox0 + i * w.StrideW] += source[i];
                        }
                    }
                }
            }
        }
    }

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static int CeilDiv(int a, int b) => -FloorDiv(-a, b);
}
