using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Passes;

/// <summary>
/// Folds a constant element-wise map y = s·x + t (input scaling: Sub/Mul/Div by constants) into the single
/// Conv/Dense that consumes it: W′[o,c,…] = W[o,c,…]·s[c] and b′[o] = b[o] + Σ W[o,c,…]·t[c].
/// The shift is folded into a convolution only when it has no padding (padded cells see 0, not t), and a
/// per-element map only into a Dense layer on a vector (over tokens the map's channels are the tokens); otherwise the node
/// is left for the converter.
/// </summary>
public sealed class FoldInputScalingPass : IGraphPass
{
    public string Name => "fold-input-scaling";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var foldable = new HashSet<Node>(graph.Nodes.Where(n => Foldable(graph, n) is not null), ReferenceEqualityComparer.Instance);
        if (foldable.Count == 0) return graph;
        return GraphRewriter.Rebuild(graph, (n, inputs) =>
        {
            if (n is ScaleShiftNode s && foldable.Contains(s)) return inputs[0];
            if (n.Inputs.Count == 1 && n.Inputs[0] is ScaleShiftNode src && foldable.Contains(src))
            {
                return n switch
                {
                    Conv2dNode c => FoldConv(c, src, inputs[0]),
                    DenseNode d => FoldDense(d, src, inputs[0]),
                    _ => throw new InvalidOperationException("unreachable: checked by Foldable"),
                };
            }
            return GraphRewriter.WithInputs(n, inputs);
        });
    }

    private static Node? Foldable(ModelGraph graph, Node n)
    {
        if (n is not ScaleShiftNode s || graph.ConsumerCount(s) != 1 || s == graph.Output) return null;
        Node consumer = graph.ConsumersOf(s).Single();
        Shape x = s.OutputShape;
        return consumer switch
        {
            DenseNode { IsVector: true } => consumer,
            Conv2dNode c when PerChannel(s.Scale, x) && PerChannel(s.Shift, x) && (IsZero(s.Shift) || NoPadding(c.Window)) => consumer,
            _ => null,
        };
    }

    private static bool PerChannel(float[] v, Shape x) => v.Length == 1 || v.Length == x.Channels;
    private static bool IsZero(float[] v) => v.All(t => t == 0f);
    private static bool NoPadding(Window2d w) => w.PadTop == 0 && w.PadLeft == 0 && w.PadBottom == 0 && w.PadRight == 0;

    private static Conv2dNode FoldConv(Conv2dNode conv, ScaleShiftNode s, Node newInput)
    {
        FloatTensor w = conv.Weight;
        int outC = w.Shape[0], inPerGroup = w.Shape[1], taps = w.Shape[2] * w.Shape[3];
        int outPerGroup = outC / conv.Groups;
        var data = new float[w.Length];
        var bias = conv.Bias is null ? new double[outC] : conv.Bias.Select(b => (double)b).ToArray();
        for (int o = 0; o < outC; o++)
        {
            int group = o / outPerGroup;
            for (int ci = 0; ci < inPerGroup; ci++)
            {
                int c = group * inPerGroup + ci;
                float scale = s.Scale.Length == 1 ? s.Scale[0] : s.Scale[c];
                float shift = s.Shift.Length == 1 ? s.Shift[0] : s.Shift[c];
                int at = (o * inPerGroup + ci) * taps;
                for (int k = 0; k < taps; k++)
                {
                    data[at + k] = w.Data[at + k] * scale;
                    bias[o] += (double)w.Data[at + k] * shift;
                }
            }
        }
        return new Conv2dNode(conv.Name, newInput, new FloatTensor(w.Shape, data), bias.Select(b => (float)b).ToArray(),
            conv.Window, conv.Groups);
    }

    private static DenseNode FoldDense(DenseNode dense, ScaleShiftNode s, Node newInput)
    {
        FloatTensor w = dense.Weight;
        int outF = w.Shape[0], inF = w.Shape[1];
        Shape x = s.OutputShape;
        int plane = x.Size / x.Channels;
        var data = new float[w.Length];
        var bias = dense.Bias is null ? new double[outF] : dense.Bias.Select(b => (double)b).ToArray();
        for (int o = 0; o < outF; o++)
        {
            for (int i = 0; i < inF; i++)
            {
                float v = w.Data[o * inF + i];
                data[o * inF + i] = v * ChannelBroadcast.At(s.Scale, i, plane, x.Size);
                bias[o] += (double)v * ChannelBroadcast.At(s.Shift, i, plane, x.Size);
            }
        }
        return new DenseNode(dense.Name, newInput, new FloatTensor(w.Shape, data), bias.Select(b => (float)b).ToArray());
    }
}
