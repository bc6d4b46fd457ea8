using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Nir;

/// <summary>
/// Winner-take-all max pooling as explicit NIR units and synapses, in a NIRGraph subgraph whose Input and Output are its
/// ports. For a window of K = kH·kW inputs over C channels (output (C, Ho, Wo)):
/// <list type="bullet">
/// <item><c>gather</c>: Conv2d (C·K, C, kH, kW) with one-hot weights (the pool's stride, padding and dilation): unit (c, j) of
/// each window receives input j of channel c's window;</item>
/// <item><c>units</c>: I (r = 1), the excitatory units: u(t) = u(t − 1) + s(t) − z(t − 1);</item>
/// <item><c>units_fire</c>: Threshold 0.5: which units hold u ≥ 1;</item>
/// <item><c>any</c>: Conv2d (C, C·K, 1, 1) summing each window's units, and <c>fire</c>: Threshold 0.5, the shared
/// interneuron: z(t) = [max_j u_j(t) ≥ 1], the pooled spike;</item>
/// <item><c>delay</c> (one step) and <c>inhibit</c>: Conv2d (C·K, C, 1, 1) of weight −1: z lowers every unit of its window by 1
/// in the next step's charge.</item>
/// </list>
/// By induction u_j(t) = c_j(t) − o(t − 1), with c_j the input counts and o the output count, so z(t) = [max_j c_j(t) − o(t − 1) ≥ 1]:
/// the output count is the max of the input counts at every step, as in ann2snn's circuit, when inputs are unsigned single
/// spikes (a max grows by at most 1 per step). A signed or burst source is exported all the same (its populations carry the
/// warning: NIR has no −1 or multiple spikes); a pool of the input itself, ceil mode and asymmetric padding are refused.
/// </summary>
internal static class NirMaxPool
{
    private const float Half = 0.5f;

    public static NirNode Circuit(string where, MaxPoolLayer m, NeuronLayer? source, double dt)
    {
        if (m.Scheme != MaxPoolScheme.WinnerTakeAll)
        {
            throw new UnsupportedOperatorException($"{where}: spike gating (--maxpool gate) routes spikes by a running count, which NIR "
                + "cannot express; convert with --maxpool wta");
        }
        if (source is null)
        {
            throw new UnsupportedOperatorException($"{where}: the NIR max-pool circuit pools spikes, and its source is the analog input");
        }
        Window2d w = m.Window;
        if (w.CeilMode || w.PadTop != w.PadBottom || w.PadLeft != w.PadRight)
        {
            throw new UnsupportedOperatorException($"{where}: window {w} over {m.InputShape} has no NIR circuit (it needs symmetric "
                + "padding and no ceil mode)");
        }
        int c = m.InputShape.Channels, k = w.KernelH * w.KernelW;
        // A sequence (C, L) pools with a 1 × K window: the same circuit of Conv1d nodes.
        var units = m.InputShape.Rank == 3 ? new Shape(c * k, m.Shape.Height, m.Shape.Width) : new Shape(c * k, m.Shape.Width);
        var gather = new float[c * k * c * k];
        for (int ch = 0; ch < c; ch++)
        {
            for (int j = 0; j < k; j++) gather[((ch * k + j) * c + ch) * k + j] = 1f;
        }
        var any = new float[c * c * k];
        var inhibit = new float[c * k * c];
        for (int ch = 0; ch < c; ch++)
        {
            for (int j = 0; j < k; j++)
            {
                any[ch * c * k + ch * k + j] = 1f;
                inhibit[(ch * k + j) * c + ch] = -1f;
            }
        }
        var pooled = m.Shape;
        var one = new Window2d(1, 1, 1, 1, 0, 0, 0, 0);
        var nodes = new Dictionary<string, NirNode>(StringComparer.Ordinal)
        {
            ["input"] = NirExporter.Node("Input", ("shape", NirExporter.Shape(m.InputShape))),
            ["gather"] = Conv(m.InputShape, gather, [c * k, c, w.KernelH, w.KernelW], w),
            ["units"] = NirExporter.Node("I", ("r", NirExporter.Filled(units, 1f))),
            ["units_fire"] = NirExporter.Node("Threshold", ("threshold", NirExporter.Filled(units, Half))),
            ["any"] = Conv(units, any, [c, c * k, 1, 1], one),
            ["fire"] = NirExporter.Node("Threshold", ("threshold", NirExporter.Filled(pooled, Half))),
            ["delay"] = NirExporter.Node("Delay", ("delay", NirExporter.FilledDouble(pooled, dt))),
            ["inhibit"] = Conv(pooled, inhibit, [c * k, c, 1, 1], one),
            ["output"] = NirExporter.Node("Output", ("shape", NirExporter.Shape(pooled))),
        };
        (string, string)[] edges =
        [
            ("input", "gather"), ("gather", "units"), ("units", "units_fire"), ("units_fire", "any"), ("any", "fire"),
            ("fire", "output"), ("fire", "delay"), ("delay", "inhibit"), ("inhibit", "units"),
        ];
        var meta = NirExporter.Meta((NirKeys.Circuit, NirValue.Text(NirKeys.WtaCircuit)), (NirKeys.LayerName, NirValue.Text(m.Name)));
        return new NirNode(NirSchema.Graph, new Dictionary<string, NirValue>(), meta, new NirGraph(nodes, edges));
    }

    private static NirNode Conv(Shape input, float[] weight, int[] shape, Window2d w) =>
        NirExporter.Conv(input, weight, shape, w, 1, new float[shape[0]]);

    /// <summary>
    /// The max-pool layer a subgraph written by <see cref="Circuit"/> stands for, or null when <paramref name="node"/> is not
    /// such a circuit; throws when it claims to be one but its structure or weights differ.
    /// </summary>
    public static (Window2d Window, Shape Input, Shape Output)? Recognize(string at, NirNode node)
    {
        if (node.Subgraph is not { } g || node.MetadataText(NirKeys.Circuit) != NirKeys.WtaCircuit) return null;
        string[] expected = ["any", "delay", "fire", "gather", "inhibit", "input", "output", "units", "units_fire"];
        if (!g.Nodes.Keys.Order(StringComparer.Ordinal).SequenceEqual(expected)
            || g.Nodes["gather"].Type is not ("Conv2d" or "Conv1d") || g.Nodes["units"].Type != "I")
        {
            ThrowHelper.InvalidModel($"{at}: marked as a max-pool circuit, but its nodes are not those of one");
        }
        var inner = NirValidator.Validate(g, at, 1);
        NirConv conv = NirConv.Read($"{at}/gather", g.Nodes["gather"]);
        var input = new Shape(inner["input"].Out);
        var output = new Shape(inner["output"].In);
        var window = new Window2d(conv.KernelH, conv.KernelW, conv.StrideH, conv.StrideW, conv.PadTop, conv.PadLeft, conv.PadBottom,
            conv.PadRight, conv.DilationH, conv.DilationW);
        NirNode rebuilt = Circuit(at, new MaxPoolLayer("check", 0, input, window, MaxPoolScheme.WinnerTakeAll, output),
            new NeuronLayer("source", input, Neurons.NeuronParameters.IntegrateAndFire(), [new Projection(-1, [new ReshapeOp(input,
                input)])],
                new float[input.Size]), 1);
        foreach (var (name, n) in rebuilt.Subgraph!.Nodes)
        {
            NirNode got = g.Nodes[name];
            foreach (var (field, value) in n.Fields)
            {
                if (name == "delay" && field == "delay") continue;
                NirValue? other = got.Field(field);
                bool same = other is not null && other.Shape.AsSpan().SequenceEqual(value.Shape)
                    && (value.Floats?.AsSpan().SequenceEqual(other.Floats) ?? value.Integers?.AsSpan().SequenceEqual(other.Integers)
                        ?? true);
                if (!same) ThrowHelper.InvalidModel($"{at}: node '{name}' field '{field}' is not that of the max-pool circuit");
            }
        }
        return (window, input, output);
    }
}
