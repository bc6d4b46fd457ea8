using Ann2Snn.Graph;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Conversion;

/// <summary>
/// Constant padding as synapses. Padding with zeros is linear: the padded cells receive no synapses. Along the plane
/// (H and W of [C, H, W], L of [C, L]) it is a depthwise convolution with a one-hot kernel: per axis, pads p_b, p_e
/// (negative: crop) give a kernel of 1 + max(0, −p_b) + max(0, −p_e) taps with the 1 at max(0, −p_b) and window pads
/// max(0, p_b), max(0, p_e), so output cell o reads input cell o − p_b. Along the channels it places the channels at
/// an offset in a wider target (<see cref="ConcatSliceOp"/>). A non-zero constant is a bias on the padded cells.
/// </summary>
internal static class PadSynapses
{
    /// <summary>Why <paramref name="p"/> cannot become synapses, or null when it can.</summary>
    public static string? Problem(PadNode p)
    {
        Shape x = p.Inputs[0].OutputShape;
        if (p.Mode != PadMode.Constant)
        {
            return $"{p.Mode.ToString().ToLowerInvariant()} padding copies input values into the padded cells; "
                + "only constant padding is convertible";
        }
        if (x.Rank > 3) return $"padding a rank-{x.Rank} tensor {x} is not convertible; only [C, H, W], [C, L] and [F] are";
        if (p.Begin[0] < 0 || p.End[0] < 0) return "cropping the channel (or feature) axis is not convertible yet";
        return null;
    }

    /// <summary>The ops of zero padding <paramref name="p"/> (see <see cref="Problem"/>), input first.</summary>
    public static List<SynapticOp> Ops(PadNode p)
    {
        Shape x = p.Inputs[0].OutputShape;
        var ops = new List<SynapticOp>();
        Shape at = x;
        bool plane = x.IsSpatial && Enumerable.Range(1, x.Rank - 1).Any(a => p.Begin[a] != 0 || p.End[a] != 0);
        if (plane)
        {
            var (top, bottom) = x.Rank == 3 ? (p.Begin[1], p.End[1]) : (0, 0);
            var (left, right) = (p.Begin[x.Rank - 1], p.End[x.Rank - 1]);
            int kh = 1 + Math.Max(0, -top) + Math.Max(0, -bottom), kw = 1 + Math.Max(0, -left) + Math.Max(0, -right);
            var window = new Window2d(kh, kw, 1, 1, Math.Max(0, top), Math.Max(0, left), Math.Max(0, bottom), Math.Max(0, right));
            var weight = new float[x.Channels * kh * kw];
            int tap = (Math.Max(0, -top) * kw) + Math.Max(0, -left);
            for (int c = 0; c < x.Channels; c++) weight[(c * kh * kw) + tap] = 1f;
            int[] dims = x.ToArray();
            for (int a = 1; a < x.Rank; a++) dims[a] = p.OutputShape[a];
            at = new Shape(dims);
            ops.Add(new ConvOp(x, new FloatTensor([x.Channels, 1, kh, kw], weight), window, x.Channels, at));
        }
        if (p.Begin[0] != 0 || p.End[0] != 0)
        {
            ops.Add(new ConcatSliceOp(at, p.Begin[0], p.OutputShape));
        }
        if (ops.Count == 0) ops.Add(new ReshapeOp(x, x));
        return ops;
    }

    /// <summary>The constant a padded cell holds: the value where a cell reads no input, 0 elsewhere; null when all are 0.</summary>
    public static float[]? Fill(PadNode p)
    {
        if (p.Value == 0f) return null;
        var marker = new float[p.Inputs[0].OutputShape.Size];
        Array.Fill(marker, 1f);
        float[] inside = Apply(Ops(p), marker);
        for (int i = 0; i < inside.Length; i++) inside[i] = inside[i] == 0f ? p.Value : 0f;
        return inside;
    }

    private static float[] Apply(List<SynapticOp> ops, float[] x)
    {
        foreach (SynapticOp op in ops) x = SynapticOpReference.Apply(op, x);
        return x;
    }
}
