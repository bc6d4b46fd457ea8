using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// Backward of <see cref="Conv2d"/>: the input gradient is the transposed convolution of the output gradient with the same
/// weights (<see cref="InputGradient"/>), and the weight gradient a correlation of the output gradient with the unfolded
/// input, one GEMM per image and group (<see cref="AccumulateWeights"/>).
/// </summary>
public static class Conv2dGradient
{
    /// <summary>
    /// The transposed convolution that maps a gradient of the output [O, OH, OW] to one of the input [C, H, W]: same window
    /// and groups, weight [O, C/groups, kH, kW] read as the transposed convolution's [in, out/groups, kH, kW], and the output
    /// padding that restores the rows and columns the stride dropped.
    /// </summary>
    public static ConvTranspose2dWeights InputGradient(Conv2dGeometry g, float[] weight)
    {
        ArgumentNullException.ThrowIfNull(g);
        Window2d w = g.Window;
        int fullH = ((g.OutHeight - 1) * w.StrideH) + (w.DilationH * (w.KernelH - 1)) + 1 - w.PadTop - w.PadBottom;
        int fullW = ((g.OutWidth - 1) * w.StrideW) + (w.DilationW * (w.KernelW - 1)) + 1 - w.PadLeft - w.PadRight;
        var geometry = new ConvTranspose2dGeometry(g.OutChannels, g.OutHeight, g.OutWidth, g.InChannels, w, g.Groups,
            g.Height - fullH, g.Width - fullW);
        return new ConvTranspose2dWeights(geometry, weight, null);
    }

    /// <summary>
    /// Unfolds group <paramref name="group"/> of one image (input [C, H, W]) into columns [PatchSize × OH·OW]:
    /// col[(c·kH + ky)·kW + kx, oy·OW + ox] = x[c, oy·sH − padTop + ky·dH, ox·sW − padLeft + kx·dW], zero in the padding.
    /// </summary>
    public static void Im2Col(Conv2dGeometry g, ReadOnlySpan<float> input, int group, Span<float> columns)
    {
        ArgumentNullException.ThrowIfNull(g);
        Window2d w = g.Window;
        int h = g.Height, wd = g.Width, oh = g.OutHeight, ow = g.OutWidth, plane = oh * ow, cg = g.GroupInChannels;
        if (input.Length < g.InputSize || columns.Length < g.PatchSize * plane)
        {
            throw new ArgumentException($"im2col: {input.Length} inputs or {columns.Length} columns are too few");
        }
        int p = 0;
        for (int c = 0; c < cg; c++)
        {
            ReadOnlySpan<float> xc = input.Slice(((group * cg) + c) * h * wd, h * wd);
            for (int ky = 0; ky < w.KernelH; ky++)
            {
                for (int kx = 0; kx < w.KernelW; kx++, p++)
                {
                    Span<float> row = columns.Slice(p * plane, plane);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        int iy = w.InputRow(oy, ky);
                        Span<float> line = row.Slice(oy * ow, ow);
                        if ((uint)iy >= (uint)h)
                        {
                            line.Clear();
                            continue;
                        }
                        for (int ox = 0; ox < ow; ox++)
                        {
                            int ix = w.InputColumn(ox, kx);
                            line[ox] = (uint)ix < (uint)wd ? xc[(iy * wd) + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds the gradients of the weights and bias over <paramref name="count"/> images: per image and group,
    /// dW_g[O/groups × PatchSize] += dY_g[O/groups × OH·OW] · col_gᵀ, and dBias[o] += Σ dY[o, ·, ·]. An empty
    /// <paramref name="dBias"/> skips the bias.
    /// </summary>
    public static void AccumulateWeights(Conv2dGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> dy, int count,
        Span<float> dWeight, Span<float> dBias)
    {
        ArgumentNullException.ThrowIfNull(g);
        int plane = g.OutHeight * g.OutWidth, k = g.PatchSize, og = g.GroupOutChannels;
        float[] columns = new float[k * plane];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> x = input.Slice(i * g.InputSize, g.InputSize);
            ReadOnlySpan<float> d = dy.Slice(i * g.OutputSize, g.OutputSize);
            for (int group = 0; group < g.Groups; group++)
            {
                Im2Col(g, x, group, columns);
                Gemm.Multiply(og, k, plane, d.Slice(group * og * plane, og * plane), plane, false, columns, plane, true,
                    dWeight.Slice(group * og * k, og * k), k, accumulate: true);
            }
            if (dBias.IsEmpty) continue;
            for (int o = 0; o < g.OutChannels; o++) dBias[o] += System.Numerics.Tensors.TensorPrimitives.Sum(d.Slice(o * plane, plane));
        }
    }
}
