using Ann2Snn.Export;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Nir;

/// <summary>
/// Checks a network against a <see cref="HardwareTarget"/>: per layer, weight precision, fan-in and fan-out, neurons per core and
/// cores needed, the neuron model, what NIR cannot express (signed and burst spikes, spike gating), the NIR nodes the
/// layer becomes against those the chip's toolchain imports, and the chip's convolution limits; per network, neurons,
/// synapses, cores, inputs and outputs. A limit that was not published is listed as unchecked, never guessed.
/// </summary>
public static class ConstraintChecker
{
    public static ConstraintReport Check(SpikingNetwork network, HardwareTarget target, NirExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new NirExportOptions();
        var layers = new List<LayerVerdict>();
        var notes = new SortedSet<string>(StringComparer.Ordinal);
        int? quantizedBits = network.Metadata.TryGetValue(WeightQuantization.BitsKey, out string? k) && int.TryParse(k,
            System.Globalization.CultureInfo.InvariantCulture, out int bits) ? bits : null;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            layers.Add(Layer(network, i, target, options, quantizedBits, notes));
        }
        var problems = new List<string>();
        long neurons = layers.Sum(l => l.Neurons), synapses = layers.Sum(l => l.Neurons * l.FanIn);
        Compare(problems, $"{neurons:N0} neurons", neurons, target.Neurons, "neurons per chip");
        Compare(problems, $"{synapses:N0} synapses", synapses, target.Synapses, "synapses per chip");
        if (layers.All(l => l.Cores is not null))
        {
            long cores = layers.Sum(l => l.Cores!.Value);
            Compare(problems, $"{cores:N0} cores needed", cores, target.Cores, "cores");
        }
        else if (target.Cores.Value is not null)
        {
            notes.Add($"cores needed not computed: {target.NeuronsPerCore.Source}");
        }
        if (target.InputChannels is { } inputs)
        {
            Compare(problems, $"an input of {network.InputShape.Size:N0} values", network.InputShape.Size, inputs, "input channels");
        }
        if (target.OutputNeurons is { } outputs)
        {
            Compare(problems, $"{network.Output.Shape.Size:N0} outputs", network.Output.Shape.Size, outputs, "output neurons");
        }
        foreach (Limit unpublished in new[] { target.WeightBits, target.FanIn, target.FanOut, target.Cores, target.Neurons })
        {
            if (unpublished.Value is null && target.Name != HardwareTargets.Generic.Name) notes.Add($"unchecked: {unpublished.Source}");
        }
        return new ConstraintReport(target, layers, problems, [.. notes]);
    }

    private static void Compare(List<string> problems, string what, long value, Limit limit, string unit)
    {
        if (limit.Value is { } max && value > max) problems.Add($"{what}: over the {max:N0} {unit} ({limit.Source})");
    }

    private static LayerVerdict Layer(SpikingNetwork network, int index, HardwareTarget target, NirExportOptions options,
        int? quantizedBits, SortedSet<string> notes)
    {
        SpikingLayer layer = network.Layers[index];
        string where = $"layer {index} '{layer.Name}' ({layer.Kind})";
        var problems = new List<string>();
        var notChecked = new List<string>();
        var nodes = new List<string>();
        long neurons = layer.Shape.Size, fanIn = 0;
        double fanOut = network.FanOut(index);
        int? weightBits = 0;
        switch (layer)
        {
            case NeuronLayer n:
                {
                    NeuronParameters p = n.Neuron;
                    if (!target.NeuronModels.Contains(p.Model.Name))
                    {
                        problems.Add($"{p.Model.Name.ToUpperInvariant()} neurons: the chip runs {string.Join(", ", target.NeuronModels)} "
                            + $"({target.NeuronModelsSource})");
                    }
                    if (p.SignedSpikes) problems.Add("signed spikes (−1 events) have no NIR form; convert with --signed off");
                    if (p.BurstLimit != 1) problems.Add($"burst spikes (B = {p.BurstLimit}) have no NIR form; convert with --burst 1");
                    if (p.Reset == ResetMode.BySubtraction)
                    {
                        notes.Add("reset by subtraction is stated only in NIR metadata (ann2snn_reset)");
                    }
                    if (p.RefractorySteps != 0) notes.Add("refractory periods are stated only in NIR metadata");
                    nodes.Add(p.Model == NeuronModels.Lif && options.Synapse == SynapseModel.Exponential ? "CubaLIF"
                        : p.Model == NeuronModels.Lif ? "LIF" : "IF");
                    (fanIn, weightBits) = Synapses(n.Projections, quantizedBits, problems, nodes, target);
                    break;
                }
            case ReadoutLayer r:
                nodes.Add("I");
                (fanIn, weightBits) = Synapses(r.Projections, quantizedBits, problems, nodes, target);
                break;
            case OperatorLayer o:
                fanIn = o.Operands.Sum(x => (long)x.Shape.Size);
                problems.Add($"a spike-equivalent {OperatorLayer.NameOf(o.Operator)} computes on accumulated values every step: "
                    + "no chip runs it and NIR has no form for it");
                break;
            case MaxPoolLayer m:
                fanIn = m.Window.KernelH * m.Window.KernelW;
                try
                {
                    NirMaxPool.Circuit(where, m, m.Source >= 0 ? network.Layers[m.Source] as NeuronLayer : null, options.Dt);
                    nodes.AddRange(["Conv2d", "I", "Threshold", "Delay"]);
                }
                catch (UnsupportedOperatorException e)
                {
                    problems.Add(e.Message[(where.Length + 2)..]);
                }
                break;
        }
        if (target.NirNodes is { } supported)
        {
            string[] missing = [.. nodes.Distinct().Where(t => !supported.Contains(t)).Order(StringComparer.Ordinal)];
            if (missing.Length > 0)
            {
                string list = string.Join(", ", missing);
                problems.Add($"becomes NIR {list}, which the chip's toolchain does not import ({target.NirNodesSource})"
                    + (layer is ReadoutLayer ? "; convert with --readout count for a spiking output" : ""));
            }
        }
        if (target.WeightBits.Value is { } maxBits)
        {
            if (weightBits is null) problems.Add($"float32 weights; the chip stores {maxBits}-bit weights ({target.WeightBits.Source}): "
                + $"quantize with --weight-bits {maxBits}");
            else if (weightBits > maxBits)
            {
                problems.Add($"weights need {weightBits} bits, the chip stores {maxBits} ({target.WeightBits.Source})");
            }
        }
        if (target.FanIn.Value is { } maxIn && fanIn > maxIn) problems.Add($"fan-in {fanIn:N0}, over {maxIn:N0} ({target.FanIn.Source})");
        if (target.FanOut.Value is { } maxOut && fanOut > maxOut)
        {
            problems.Add($"fan-out {fanOut:N1} per neuron, over {maxOut:N0} ({target.FanOut.Source})");
        }
        long? cores = target.CorePerLayer ? 1
            : target.NeuronsPerCore.Value is { } perCore ? (neurons + perCore - 1) / perCore : null;
        if (!target.CorePerLayer && target.NeuronsPerCore.Value is { } per && layer is MaxPoolLayer)
        {
            cores = (neurons * (fanIn + 1) + per - 1) / per; // the circuit's units and interneurons
        }
        if (target.MaxChannels is { } maxChannels && layer.Shape.Rank > 1 && layer.Shape.Channels > maxChannels.Value)
        {
            problems.Add($"{layer.Shape.Channels:N0} channels, over {maxChannels.Value:N0} ({maxChannels.Source})");
        }
        if (target.FanIn.Value is null && target.Name != HardwareTargets.Generic.Name) notChecked.Add("fan-in");
        if (target.WeightBits.Value is null && target.Name != HardwareTargets.Generic.Name) notChecked.Add("weight bits");
        return new LayerVerdict(layer.Name, layer.Kind, neurons, fanIn, fanOut, weightBits, cores, [.. nodes.Distinct()], problems,
            notChecked);
    }

    /// <summary>
    /// The fan-in of the busiest neuron and the bits the weights need (null for float weights) over a layer's projections.
    /// </summary>
    private static (long FanIn, int? Bits) Synapses(IReadOnlyList<Projection> projections, int? quantizedBits, List<string> problems,
        List<string> nodes, HardwareTarget target)
    {
        long fanIn = 0;
        bool isFloat = false;
        float maxAbs = 0;
        foreach (Projection p in projections)
        {
            long chain = 1;
            foreach (SynapticOp op in p.Ops)
            {
                chain *= op switch
                {
                    DenseOp d => d.Weight.Shape[1],
                    TokenDenseOp t => t.InFeatures,
                    ConvOp c => (long)c.Weight.Shape[1] * c.Window.KernelH * c.Window.KernelW,
                    AvgPoolOp a => (long)a.Window.KernelH * a.Window.KernelW,
                    _ => 1,
                };
                nodes.AddRange(NirExporter.NodeTypes(op, out string? refusal));
                if (refusal is not null) problems.Add(refusal);
                float[]? w = op switch
                {
                    DenseOp d => d.Weight.Data,
                    TokenDenseOp t => t.Weight.Data,
                    ConvOp c => c.Weight.Data,
                    _ => null,
                };
                if (w is not null)
                {
                    foreach (float x in w)
                    {
                        maxAbs = Math.Max(maxAbs, Math.Abs(x));
                        if (x != MathF.Round(x)) isFloat = true;
                    }
                }
                if (op is ConvOp conv) ConvLimits(conv, target, problems);
            }
            fanIn += chain;
        }
        int? bits = isFloat ? quantizedBits : maxAbs == 0 ? 0 : (int)Math.Ceiling(Math.Log2(maxAbs + 1)) + 1;
        return (fanIn, bits);
    }

    private static void ConvLimits(ConvOp conv, HardwareTarget target, List<string> problems)
    {
        var w = conv.Window;
        if (target.MaxKernel is { Value: { } k } kernel && Math.Max(w.KernelH, w.KernelW) > k)
        {
            problems.Add($"kernel {w.KernelH}×{w.KernelW}, over {k}×{k} ({kernel.Source})");
        }
        if (target.Strides is { } strides && (!strides.Contains(w.StrideH) || !strides.Contains(w.StrideW)))
        {
            string allowed = string.Join(", ", strides.Order());
            problems.Add($"stride {w.StrideH}×{w.StrideW}: the chip supports {allowed} ({target.StridesSource})");
        }
        if (target.MaxPadding is { Value: { } pad } padding && new[] { w.PadTop, w.PadLeft, w.PadBottom, w.PadRight }.Max() > pad)
        {
            problems.Add($"padding over {pad} ({padding.Source})");
        }
    }
}
