using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Passes;

/// <summary>
/// Rewrites a stride-1 ConvTranspose as the Conv it equals: y[o, oy] = Σ x[c, oy + p_b − k·d]·W[c, o, k] is a
/// convolution with the kernel flipped and its channel axes swapped, W′[o, c, kH−1−ky, kW−1−kx] = W[c, o, ky, kx] (per
/// group), and pads d·(k−1) − p_b before and d·(k−1) − p_e + output padding after. Applies where those pads are not
/// negative; larger strides (the zeros between input cells) have no Conv equivalent.
/// </summary>
public sealed class ConvTransposeToConvPass : IGraphPass
{
    public string Name => "convtranspose-to-conv";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!graph.Nodes.Any(n => n is ConvTranspose2dNode c && EquivalentWindow(c) is not null)) return graph;
        return GraphRewriter.Rebuild(graph, (n, inputs) => n is ConvTranspose2dNode c && EquivalentWindow(c) is { } window
            ? new Conv2dNode(c.Name, inputs[0], FlippedWeight(c), c.Bias, window, c.Groups)
            : GraphRewriter.WithInputs(n, inputs));
    }

    /// <summary>The window of the equivalent Conv, or null when there is none (stride above 1, or pads beyond the kernel).</summary>
    public static Window2d? EquivalentWindow(ConvTranspose2dNode c)
    {
        ArgumentNullException.ThrowIfNull(c);
        Window2d w = c.Window;
        if (w.StrideH != 1 || w.StrideW != 1) return null;
        int spanH = w.DilationH * (w.KernelH - 1), spanW = w.DilationW * (w.KernelW - 1);
        int top = spanH - w.PadTop, left = spanW - w.PadLeft;
        int bottom = spanH - w.PadBottom + c.OutputPaddingH, right = spanW - w.PadRight + c.OutputPaddingW;
        if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
        return new Window2d(w.KernelH, w.KernelW, 1, 1, top, left, bottom, right, w.DilationH, w.DilationW);
    }

    /// <summary>W′[g·O/g + o, c, kH−1−ky, kW−1−kx] = W[g·C/g + c, o, ky, kx].</summary>
    private static FloatTensor FlippedWeight(ConvTranspose2dNode node)
    {
        FloatTensor w = node.Weight;
        int inChannels = w.Shape[0], outPerGroup = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        int inPerGroup = inChannels / node.Groups, taps = kh * kw;
        var data = new float[w.Length];
        for (int c = 0; c < inChannels; c++)
        {
            int group = c / inPerGroup, ci = c % inPerGroup;
            for (int o = 0; o < outPerGroup; o++)
            {
                int source = (c * outPerGroup + o) * taps;
                int target = ((group * outPerGroup + o) * inPerGroup + ci) * taps;
                for (int k = 0; k < taps; k++) data[target + taps - 1 - k] = w.Data[source + k];
            }
        }
        return new FloatTensor([outPerGroup * node.Groups, inPerGroup, kh, kw], data);
    }
}
