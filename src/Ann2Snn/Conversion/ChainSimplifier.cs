using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Conversion;

/// <summary>
/// Rewrites a chain of synaptic ops into an equivalent shorter one: adjacent gains merge; a gain moves past average
/// pooling, reshapes and selections (all commute with it); a gain in front of a weighted op folds into its input columns,
/// one behind it into its output rows (for dense synapses over tokens only a gain that is the same at every token). What
/// cannot fold (e.g. a residual path's gain) stays a <see cref="ScaleOp"/>.
/// </summary>
public static class ChainSimplifier
{
    public static IReadOnlyList<SynapticOp> Simplify(IReadOnlyList<SynapticOp> chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var ops = chain.ToList();
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = 0; i < ops.Count && !changed; i++)
            {
                if (ops[i] is not ScaleOp s) continue;
                if (s.Scale.All(v => v == 1f))
                {
                    if (ops.Count == 1) break; // an identity chain still needs one op to carry its shape
                    ops.RemoveAt(i);
                    changed = true;
                    continue;
                }
                SynapticOp? next = i + 1 < ops.Count ? ops[i + 1] : null;
                SynapticOp? previous = i > 0 ? ops[i - 1] : null;
                SynapticOp[]? replacement = next switch
                {
                    ScaleOp t => [new ScaleOp(t.OutputShape, Multiply(s, t))],
                    AvgPoolOp p when !IsFull(s) => [p, new ScaleOp(p.OutputShape, s.Scale)],
                    ReshapeOp r => [r, new ScaleOp(r.OutputShape, IsFull(s) || s.Scale.Length == 1 ? s.Scale : Expand(s))],
                    DenseOp d => [new DenseOp(d.InputShape, ScaleColumns(d.Weight, Expand(s)))],
                    TokenDenseOp t when PerFeature(s, t.InFeatures) is { } g => [new TokenDenseOp(t.InputShape, ScaleColumns(t.Weight, g))],
                    SelectOp sel => [sel, new ScaleOp(sel.OutputShape, s.Scale.Length == 1 ? s.Scale : Selected(Expand(s), sel))],
                    ConvOp c when !IsFull(s) => [new ConvOp(c.InputShape, ScaleInputChannels(c, s), c.Window, c.Groups, c.OutputShape)],
                    _ => null,
                };
                if (replacement is not null)
                {
                    ops.RemoveRange(i, 2);
                    ops.InsertRange(i, replacement);
                    changed = true;
                    continue;
                }
                replacement = previous switch
                {
                    DenseOp d => [new DenseOp(d.InputShape, ScaleRows(d.Weight, Expand(s)))],
                    TokenDenseOp t when PerFeature(s, t.OutFeatures) is { } g => [new TokenDenseOp(t.InputShape, ScaleRows(t.Weight, g))],
                    ConvOp c when !IsFull(s) =>
                        [new ConvOp(c.InputShape, ScaleRows(c.Weight, ExpandChannels(s)), c.Window, c.Groups, c.OutputShape)],
                    _ => null,
                };
                if (replacement is not null)
                {
                    ops.RemoveRange(i - 1, 2);
                    ops.InsertRange(i - 1, replacement);
                    changed = true;
                }
            }
        }
        return ops;
    }

    private static bool IsFull(ScaleOp s) =>
        s.Scale.Length != 1 && s.Scale.Length != s.InputShape.Channels
            || (s.InputShape.Size == s.InputShape.Channels && s.Scale.Length > 1);

    private static float[] Expand(ScaleOp s) => s.ElementGains();

    /// <summary>
    /// The gain per feature of the last axis (length <paramref name="features"/>) when every token has the same; else null.
    /// </summary>
    private static float[]? PerFeature(ScaleOp s, int features)
    {
        if (s.Scale.Length == 1) return Enumerable.Repeat(s.Scale[0], features).ToArray();
        float[] g = Expand(s);
        for (int i = features; i < g.Length; i++)
        {
            if (g[i] != g[i - features]) return null;
        }
        return g[..features];
    }

    /// <summary>The gains of a selection's outputs: output i takes the gain of the input it copies.</summary>
    private static float[] Selected(float[] gain, SelectOp sel)
    {
        var result = new float[sel.OutputShape.Size];
        for (int i = 0; i < result.Length; i++) result[i] = gain[sel.Map[i]];
        return result;
    }

    /// <summary>The gain of every channel (the scale is scalar or per channel).</summary>
    private static float[] ExpandChannels(ScaleOp s)
    {
        int c = s.InputShape.Channels;
        return s.Scale.Length == c ? s.Scale : Enumerable.Repeat(s.Scale[0], c).ToArray();
    }

    private static float[] Multiply(ScaleOp a, ScaleOp b)
    {
        if (a.Scale.Length == b.Scale.Length) return a.Scale.Zip(b.Scale, (x, y) => x * y).ToArray();
        float[] x = Expand(a), y = Expand(b);
        return x.Zip(y, (p, q) => p * q).ToArray();
    }

    private static FloatTensor ScaleColumns(FloatTensor w, float[] columnGain)
    {
        int rows = w.Shape[0], cols = w.Shape[1];
        var data = new float[w.Length];
        for (int o = 0; o < rows; o++)
        {
            for (int i = 0; i < cols; i++) data[o * cols + i] = w.Data[o * cols + i] * columnGain[i];
        }
        return new FloatTensor(w.Shape, data);
    }

    /// <summary>Multiplies row o (all of output unit o's weights) by gain[o].</summary>
    private static FloatTensor ScaleRows(FloatTensor w, float[] gain)
    {
        int per = w.Length / w.Shape[0];
        var data = new float[w.Length];
        for (int o = 0; o < w.Shape[0]; o++)
        {
            for (int i = 0; i < per; i++) data[o * per + i] = w.Data[o * per + i] * gain[o];
        }
        return new FloatTensor(w.Shape, data);
    }

    private static FloatTensor ScaleInputChannels(ConvOp c, ScaleOp s)
    {
        FloatTensor w = c.Weight;
        float[] gain = ExpandChannels(s);
        int outC = w.Shape[0], inPerGroup = w.Shape[1], taps = w.Shape[2] * w.Shape[3], outPerGroup = outC / c.Groups;
        var data = new float[w.Length];
        for (int o = 0; o < outC; o++)
        {
            int group = o / outPerGroup;
            for (int ci = 0; ci < inPerGroup; ci++)
            {
                float g = gain[group * inPerGroup + ci];
                int at = (o * inPerGroup + ci) * taps;
                for (int k = 0; k < taps; k++) data[at + k] = w.Data[at + k] * g;
            }
        }
        return new FloatTensor(w.Shape, data);
    }
}
