using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// Plain, obviously correct application of a <see cref="SynapticOp"/> to one sample (y = op(x), y overwritten).
/// Used at conversion time (to carry bias maps through pooling and padding exactly) and as the oracle in tests of
/// the simulators' fast paths.
/// </summary>
public static class SynapticOpReference
{
    public static float[] Apply(SynapticOp op, ReadOnlySpan<float> x)
    {
        ArgumentNullException.ThrowIfNull(op);
        var y = new float[op.OutputShape.Size];
        Apply(op, x, y);
        return y;
    }

    public static void Apply(SynapticOp op, ReadOnlySpan<float> x, Span<float> y)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (x.Length != op.InputShape.Size || y.Length != op.OutputShape.Size)
        {
            throw new ArgumentException($"{op.Kind} synapses: got {x.Length} → {y.Length} values, "
                + $"expected {op.InputShape.Size} → {op.OutputShape.Size}");
        }
        switch (op)
        {
            case DenseOp d:
                {
                    int n = d.Weight.Shape[1];
                    for (int o = 0; o < y.Length; o++)
                    {
                        double acc = 0;
                        ReadOnlySpan<float> row = d.Weight.Data.AsSpan(o * n, n);
                        for (int i = 0; i < n; i++) acc += (double)row[i] * x[i];
                        y[o] = (float)acc;
                    }
                    break;
                }
            case TokenDenseOp t:
                {
                    int ins = t.InFeatures, outs = t.OutFeatures;
                    for (int p = 0; p < t.Positions; p++)
                    {
                        for (int o = 0; o < outs; o++)
                        {
                            double acc = 0;
                            ReadOnlySpan<float> row = t.Weight.Data.AsSpan(o * ins, ins);
                            for (int i = 0; i < ins; i++) acc += (double)row[i] * x[p * ins + i];
                            y[p * outs + o] = (float)acc;
                        }
                    }
                    break;
                }
            case SelectOp s:
                for (int i = 0; i < y.Length; i++) y[i] = x[s.Map[i]];
                break;
            case ConvOp c:
                Conv(c, x, y);
                break;
            case AvgPoolOp p:
                AvgPool(p, x, y);
                break;
            case ReshapeOp:
                x.CopyTo(y);
                break;
            case ScaleOp s:
                {
                    int plane = s.InputShape.Size / s.InputShape.Channels;
                    for (int i = 0; i < y.Length; i++) y[i] = x[i] * ChannelBroadcast.At(s.Scale, i, plane, y.Length);
                    break;
                }
            case ConcatSliceOp cat:
                {
                    int plane = cat.OutputShape.Size / cat.OutputShape.Channels;
                    y.Clear();
                    x.CopyTo(y.Slice(cat.ChannelOffset * plane, x.Length));
                    break;
                }
            default:
                throw new InvalidModelException($"{op.Kind} synapses: no reference implementation");
        }
    }

    private static void Conv(ConvOp c, ReadOnlySpan<float> x, Span<float> y)
    {
        Shape i = c.InputShape, o = c.OutputShape;
        Window2d w = c.Window;
        int inPerGroup = c.Weight.Shape[1], outPerGroup = o.Channels / c.Groups;
        for (int oc = 0; oc < o.Channels; oc++)
        {
            int g = oc / outPerGroup;
            for (int oy = 0; oy < o.Height; oy++)
            {
                for (int ox = 0; ox < o.Width; ox++)
                {
                    double acc = 0;
                    for (int ci = 0; ci < inPerGroup; ci++)
                    {
                        int ic = g * inPerGroup + ci;
                        for (int ky = 0; ky < w.KernelH; ky++)
                        {
                            int iy = w.InputRow(oy, ky);
                            if ((uint)iy >= (uint)i.Height) continue;
                            for (int kx = 0; kx < w.KernelW; kx++)
                            {
                                int ix = w.InputColumn(ox, kx);
                                if ((uint)ix >= (uint)i.Width) continue;
                                acc += (double)c.Weight.Data[((oc * inPerGroup + ci) * w.KernelH + ky) * w.KernelW + kx]
                                    * x[(ic * i.Height + iy) * i.Width + ix];
                            }
                        }
                    }
                    y[(oc * o.Height + oy) * o.Width + ox] = (float)acc;
                }
            }
        }
    }

    private static void AvgPool(AvgPoolOp p, ReadOnlySpan<float> x, Span<float> y)
    {
        Shape i = p.InputShape, o = p.OutputShape;
        Window2d w = p.Window;
        for (int ch = 0; ch < o.Channels; ch++)
        {
            for (int oy = 0; oy < o.Height; oy++)
            {
                for (int ox = 0; ox < o.Width; ox++)
                {
                    double acc = 0;
                    int inside = 0, padded = 0;
                    for (int ky = 0; ky < w.KernelH; ky++)
                    {
                        int iy = w.InputRow(oy, ky);
                        for (int kx = 0; kx < w.KernelW; kx++)
                        {
                            int ix = w.InputColumn(ox, kx);
                            bool inY = (uint)iy < (uint)i.Height, inX = (uint)ix < (uint)i.Width;
                            if (inY && inX)
                            {
                                acc += x[(ch * i.Height + iy) * i.Width + ix];
                                inside++;
                            }
                            else if (iy < i.Height + w.PadBottom && ix < i.Width + w.PadRight)
                            {
                                padded++; // a declared pad cell (not a ceil-mode overhang)
                            }
                        }
                    }
                    int count = p.CountIncludePad ? inside + padded : inside;
                    y[(ch * o.Height + oy) * o.Width + ox] = count == 0 ? 0f : (float)(acc / count);
                }
            }
        }
    }
}
