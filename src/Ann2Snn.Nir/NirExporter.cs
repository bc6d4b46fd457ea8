using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Nir;

/// <summary>
/// Writes a <see cref="SpikingNetwork"/> as a NIR graph (docs/nir.md has the table):
/// <list type="bullet">
/// <item>the input → <c>Input</c>; the output layer → <c>Output</c>;</item>
/// <item>a population → <c>IF</c> (r = Δt, the per-step gain, as snnTorch and Sinabs read IF; v_threshold = V_th) or <c>LIF</c>
/// (τ = τm in seconds, r = R, v_leak = V_rest, v_threshold = V_th: the same ODE, which our step solves exactly), or
/// <c>CubaLIF</c> (τ_syn, w_in = 1) for LIF with exponential synapses; a membrane readout → <c>I</c> (r = 1, an accumulator);</item>
/// <item>each projection → a chain of nodes ending on the population, several chains meeting there (residual adds): dense →
/// <c>Affine</c> (zero bias where none) (with a <c>Flatten</c> before it for a feature map), conv → <c>Conv2d</c>/<c>Conv1d</c>,
/// average pool → <c>AvgPool2d</c>, flatten → <c>Flatten</c> (start_dim 0), scale → <c>Scale</c>, concatenation → a 1 × 1
/// convolution (or Affine) with one-hot weights;</item>
/// <item>the population's bias current → the bias of the Affine or Conv that ends one of its chains;</item>
/// <item>winner-take-all max pooling → a NIRGraph subgraph of explicit units and synapses (<see cref="NirMaxPool"/>); spike
/// gating is refused, NIR has no way to route spikes by a count.</item>
/// </list>
/// What NIR cannot say (reset by subtraction, firing at V = V_th, V(0), refractory periods, signed and burst spikes, the
/// negative branch of LeakyRelu/PRelu neurons, bias
/// currents rather than bias neurons) is stated in metadata and returned as warnings. Anything that has no NIR form at all
/// is an <see cref="UnsupportedOperatorException"/> naming the layer and the reason.
/// </summary>
public static class NirExporter
{
    public static NirExport Export(SpikingNetwork network, NirExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new NirExportOptions();
        options.Validate();
        return new Builder(network, options).Build();
    }

    private sealed class Builder(SpikingNetwork network, NirExportOptions options)
    {
        private readonly Dictionary<string, NirNode> _nodes = new(StringComparer.Ordinal);
        private readonly List<(string, string)> _edges = [];
        private readonly string[] _layerNodes = new string[network.Layers.Count];
        private readonly SortedSet<string> _warnings = new(StringComparer.Ordinal);

        public NirExport Build()
        {
            _nodes["input"] = Node("Input", ("shape", Shape(network.InputShape)));
            for (int i = 0; i < network.Layers.Count; i++)
            {
                SpikingLayer layer = network.Layers[i];
                string name = _layerNodes[i] = Unique(layer.Name);
                string where = $"layer {i} '{layer.Name}' ({layer.Kind})";
                switch (layer)
                {
                    case NeuronLayer n:
                        Projections(name, where, n.Projections, n.Bias);
                        _nodes[name] = Neuron(where, n);
                        break;
                    case ReadoutLayer r:
                        Projections(name, where, r.Projections, r.Bias);
                        _nodes[name] = new NirNode("I", Fields(("r", Filled(r.Shape, 1f))), Meta(
                            (NirKeys.LayerName, NirValue.Text(r.Name)),
                            (NirKeys.Dynamics, NirValue.Text("readout: accumulates its input current, one step's gain 1"))));
                        _warnings.Add("the membrane readout is an I node with r = 1 (v grows by the input each step); a receiver without "
                            + "I can read the logits from the Affine before it");
                        break;
                    case MaxPoolLayer m:
                        _nodes[name] = NirMaxPool.Circuit(where, m, SourceNeuron(m.Source), options.Dt);
                        _edges.Add((SourceNode(m.Source), name));
                        _warnings.Add("winner-take-all max pooling is a subgraph of I, Threshold and Delay nodes; of the frameworks "
                            + "NIR lists, only Spyx imports all three");
                        break;
                    default:
                        throw new UnsupportedOperatorException($"{where}: no NIR form");
                }
            }
            _nodes["output"] = Node("Output", ("shape", Shape(network.Output.Shape)));
            _edges.Add((_layerNodes[^1], "output"));
            var metadata = new Dictionary<string, NirValue>(StringComparer.Ordinal)
            {
                [NirKeys.Source] = NirValue.Text("ann2snn"),
                [NirKeys.Dt] = NirValue.Float64([options.Dt]),
                [NirKeys.NetworkName] = NirValue.Text(network.Name),
            };
            foreach (var (key, value) in network.Metadata)
            {
                if (key.Length > 0 && !key.Contains('/', StringComparison.Ordinal) && key != ".")
                {
                    metadata[NirKeys.NetworkMetadata + key] = NirValue.Text(value);
                }
            }
            if (_warnings.Count > 0) metadata[NirKeys.CannotSay] = NirValue.TextArray([.. _warnings], _warnings.Count);
            return new NirExport(new NirGraph(_nodes, _edges, metadata), [.. _warnings]);
        }

        private string SourceNode(int source) => source < 0 ? "input" : _layerNodes[source];

        private NeuronLayer? SourceNeuron(int source) => source < 0 ? null : network.Layers[source] as NeuronLayer;

        /// <summary>Emits each projection's chain of op nodes, ending with an edge into <paramref name="target"/>.</summary>
        private void Projections(string target, string where, IReadOnlyList<Projection> projections, float[] bias)
        {
            bool biasPlaced = bias.All(b => b == 0 && !float.IsNegative(b));
            for (int j = 0; j < projections.Count; j++)
            {
                Projection p = projections[j];
                if (p.Delay > 0)
                {
                    throw new UnsupportedOperatorException($"{where} projection {j}: a delay of {p.Delay} step(s) has no NIR form "
                        + "in this exporter");
                }
                string previous = SourceNode(p.Source);
                for (int k = 0; k < p.Ops.Count; k++)
                {
                    SynapticOp op = p.Ops[k];
                    string at = $"{where} projection {j} op {k} ({op.Kind})";
                    float[]? opBias = null;
                    if (!biasPlaced && k == p.Ops.Count - 1 && BiasFits(op, bias))
                    {
                        opBias = bias;
                        biasPlaced = true;
                    }
                    foreach (NirNode node in Op(at, op, opBias))
                    {
                        string name = Unique($"{target}.in{j}.{k}_{node.Type.ToLowerInvariant()}");
                        _nodes[name] = node;
                        _edges.Add((previous, name));
                        previous = name;
                    }
                }
                _edges.Add((previous, target));
            }
            if (!biasPlaced)
            {
                throw new UnsupportedOperatorException($"{where}: its bias current cannot be placed: no projection ends in a dense or "
                    + $"convolution op whose bias could carry it (a convolution's per channel), and NIR has no constant source");
            }
            if (bias.Any(b => b != 0))
            {
                _warnings.Add("bias currents are the bias of an Affine or Conv node (a constant current every step); "
                    + "ann2snn's bias-neuron mode (--bias neuron) has no NIR form");
            }
        }

        private static bool BiasFits(SynapticOp op, float[] bias) => op switch
        {
            DenseOp => true,
            SelectOp s => s.OutputShape.Rank == 1,
            ConvOp c => PerChannel(bias, c.OutputShape) is not null,
            ConcatSliceOp cat => cat.OutputShape.Rank == 1 || PerChannel(bias, cat.OutputShape) is not null,
            _ => false,
        };

        /// <summary>The per-channel values of a bias that is constant over each channel's plane, or null.</summary>
        private static float[]? PerChannel(float[] bias, Shape shape)
        {
            int plane = shape.Size / shape.Channels;
            var c = new float[shape.Channels];
            for (int ch = 0; ch < c.Length; ch++)
            {
                c[ch] = bias[ch * plane];
                for (int i = 1; i < plane; i++)
                {
                    if (BitConverter.SingleToInt32Bits(bias[ch * plane + i]) != BitConverter.SingleToInt32Bits(c[ch])) return null;
                }
            }
            return c;
        }

        /// <summary>The NIR nodes of one op, in order (none for a reshape that keeps the shape).</summary>
        internal static IEnumerable<NirNode> Op(string at, SynapticOp op, float[]? bias)
        {
            switch (op)
            {
                case DenseOp d:
                    {
                        if (d.InputShape.Rank > 1) yield return Flatten(d.InputShape);
                        // Affine even without a bias: more frameworks import Affine than Linear (Norse and Sinabs only Affine).
                        float[] b = bias ?? new float[d.Weight.Shape[0]];
                        yield return Node("Affine", ("weight", NirValue.Float32(d.Weight.Data, d.Weight.Shape)), ("bias",
                            NirValue.Float32(b, b.Length)));
                        break;
                    }
                case ConvOp c:
                    {
                        Window2d w = c.Window;
                        if (w.PadTop != w.PadBottom || w.PadLeft != w.PadRight)
                        {
                            throw new UnsupportedOperatorException($"{at}: asymmetric padding {w} has no NIR form (Conv pads both sides "
                                + $"alike)");
                        }
                        int[] ws = c.Weight.Shape;
                        float[] channelBias = bias is null ? new float[ws[0]] : PerChannel(bias, c.OutputShape)!;
                        yield return Conv(c.InputShape, c.Weight.Data, ws, w, c.Groups, channelBias);
                        break;
                    }
                case AvgPoolOp a:
                    {
                        Window2d w = a.Window;
                        if (w.PadTop != w.PadBottom || w.PadLeft != w.PadRight || w.DilationH != 1 || w.DilationW != 1 || w.CeilMode
                            || (!a.CountIncludePad && (w.PadTop | w.PadLeft) != 0))
                        {
                            throw new UnsupportedOperatorException($"{at}: window {w} (count_include_pad = {a.CountIncludePad}) has no "
                                + "NIR form: AvgPool2d pads both sides alike, without dilation or ceil mode, and counts padded cells");
                        }
                        if (a.InputShape.Rank == 2)
                        {
                            yield return SequencePool(a);
                            break;
                        }
                        yield return Node("AvgPool2d", ("kernel_size", Pair(w.KernelH, w.KernelW)), ("stride", Pair(w.StrideH, w.StrideW)),
                            ("padding", Pair(w.PadTop, w.PadLeft)));
                        break;
                    }
                case ReshapeOp r:
                    if (r.InputShape.Equals(r.OutputShape)) yield break;
                    if (r.OutputShape.Rank != 1)
                    {
                        throw new UnsupportedOperatorException($"{at}: reshaping {r.InputShape} to {r.OutputShape} has no NIR form "
                            + "(NIR has Flatten only)");
                    }
                    yield return Flatten(r.InputShape);
                    break;
                case ScaleOp s:
                    yield return Node("Scale", ("scale", NirValue.Float32(s.ElementGains(), s.InputShape.ToArray())));
                    break;
                case ConcatSliceOp cat:
                    yield return OneHot(cat, bias);
                    break;
                case SelectOp s when s.OutputShape.Rank == 1:
                    // Exact as the Affine of its 0/1 matrix (one 1 per row).
                    foreach (NirNode node in Op(at, s.Expanded(), bias)) yield return node;
                    break;
                case SelectOp or TokenDenseOp:
                    throw new UnsupportedOperatorException($"{at}: {op.OutputShape} has no NIR form: its expanded Affine would deliver a "
                        + "vector and NIR has no reshape back to tokens");
                default:
                    throw new UnsupportedOperatorException($"{at}: no NIR form");
            }
        }

        /// <summary>
        /// Average pooling of a sequence (C, L), which NIR has no node for: a Conv1d (C, C, K) with weight 1/K from each channel to
        /// itself, marked <c>ann2snn_op = avgpool</c> so that the importer restores the pool.
        /// </summary>
        private static NirNode SequencePool(AvgPoolOp a)
        {
            int c = a.InputShape.Channels, k = a.Window.KernelW;
            var weight = new float[c * c * k];
            for (int ch = 0; ch < c; ch++) weight.AsSpan((ch * c + ch) * k, k).Fill(1f / k);
            NirNode conv = Conv(a.InputShape, weight, [c, c, 1, k], a.Window, 1, new float[c]);
            return new NirNode(conv.Type, conv.Fields, Meta((NirKeys.Op, NirValue.Text("avgpool"))));
        }

        /// <summary>Channel placement as a 1 × 1 convolution (Linear for vectors) with one-hot weights: y[o + offset] = x[o].</summary>
        private static NirNode OneHot(ConcatSliceOp cat, float[]? bias)
        {
            int cin = cat.InputShape.Channels, cout = cat.OutputShape.Channels;
            var w = new float[cout * cin];
            for (int c = 0; c < cin; c++) w[(c + cat.ChannelOffset) * cin + c] = 1f;
            if (cat.InputShape.Rank == 1)
            {
                return Node("Affine", ("weight", NirValue.Float32(w, cout, cin)), ("bias", NirValue.Float32(bias ?? new float[cout],
                    cout)));
            }
            float[] channelBias = bias is null ? new float[cout] : PerChannel(bias, cat.OutputShape)!;
            return Conv(cat.InputShape, w, [cout, cin, 1, 1], new Window2d(1, 1, 1, 1, 0, 0, 0, 0), 1, channelBias);
        }

        private static NirNode Flatten(Shape input) =>
            Node("Flatten", ("start_dim", NirValue.Scalar(0)), ("end_dim", NirValue.Scalar(-1)), ("input_type", Shape(input)));

        private NirNode Neuron(string where, NeuronLayer layer)
        {
            NeuronParameters p = layer.Neuron;
            Shape s = layer.Shape;
            var meta = new List<(string, NirValue)>
            {
                (NirKeys.LayerName, NirValue.Text(layer.Name)),
                (NirKeys.Reset, NirValue.Text(p.Reset == ResetMode.BySubtraction ? "by_subtraction" : "to_zero")),
                (NirKeys.FiresAt, NirValue.Text("v >= v_threshold")),
            };
            if (layer.NegativeGain is { } alpha)
            {
                meta.Add((NirKeys.NegativeGain, NirValue.Float32(alpha, alpha.Length)));
                _warnings.Add("the negative branch of signed neurons (LeakyRelu/PRelu, gain α) has no NIR form: receivers fire only "
                    + "above threshold, as for a ReLU (ann2snn_negative_gain)");
            }
            _warnings.Add("ann2snn fires at v >= v_threshold, NIR at v > v_threshold (they differ only when v lands on the threshold)");
            if (p.Reset == ResetMode.BySubtraction)
            {
                _warnings.Add("populations reset by subtraction (v -= v_threshold): NIR can only say reset to v_reset, so a receiver "
                    + "that resets to v_reset loses the charge above threshold (stated in ann2snn_reset)");
            }
            if (p.InitialFraction != 0)
            {
                meta.Add((NirKeys.InitialFraction, NirValue.Float64([p.InitialFraction])));
                _warnings.Add("the initial membrane potential V(0) = fraction·V_th has no NIR field (ann2snn_initial_fraction); "
                    + "receivers start at 0");
            }
            if (p.RefractorySteps != 0)
            {
                meta.Add((NirKeys.Refractory, NirValue.Scalar(p.RefractorySteps)));
                _warnings.Add("refractory periods have no NIR field (ann2snn_refractory_steps)");
            }
            if (p.SignedSpikes)
            {
                meta.Add((NirKeys.Signed, NirValue.Scalar(1)));
                _warnings.Add("signed spikes (−1 events) have no NIR form: receivers emit +1 spikes only (ann2snn_signed_spikes)");
            }
            if (p.BurstLimit != 1)
            {
                meta.Add((NirKeys.Burst, NirValue.Scalar(p.BurstLimit)));
                _warnings.Add("burst spikes (up to B per step) have no NIR form: receivers emit one spike per step (ann2snn_burst_limit)");
            }
            NirValue threshold = Filled(s, p.VThreshold);
            bool exponential = options.Synapse == SynapseModel.Exponential;
            if (p.Model == NeuronModels.If)
            {
                if (exponential)
                {
                    throw new UnsupportedOperatorException($"{where}: IF neurons with exponential synapses have no NIR node (CubaLIF "
                        + "always leaks); convert with --neuron lif or export with the delta synapse");
                }
                meta.Add((NirKeys.Dynamics, NirValue.Text("if: v += r * I each step")));
                return new NirNode("IF", Fields(("r", Filled(s, p.Dt)), ("v_threshold", threshold)), Meta([.. meta]));
            }
            if (p.Model == NeuronModels.Lif)
            {
                double tau = (double)p.TauMem / p.Dt * options.Dt;
                var fields = new List<(string, NirValue)>
                {
                    ("tau", FilledDouble(s, tau)), ("r", Filled(s, p.Resistance)), ("v_leak", Filled(s, p.VRest)), ("v_threshold",
                        threshold),
                };
                if (p.VRest != 0) fields.Add(("v_reset", Filled(s, p.VRest)));
                meta.Add((NirKeys.Dynamics, NirValue.Text("lif: the exact solution of the ODE over one step of dt")));
                if (!exponential) return new NirNode("LIF", Fields([.. fields]), Meta([.. meta]));
                fields[0] = ("tau_mem", fields[0].Item2);
                fields.Add(("tau_syn", FilledDouble(s, (double)options.TauSyn * options.Dt)));
                fields.Add(("w_in", Filled(s, 1f)));
                return new NirNode("CubaLIF", Fields([.. fields]), Meta([.. meta]));
            }
            throw new UnsupportedOperatorException($"{where}: neuron model '{p.Model}' has no NIR node");
        }

        private string Unique(string name)
        {
            // HDF5 link names cannot hold '/', and "." names the group itself.
            string clean = string.Concat(name.Select(c => c == '/' || char.IsControl(c) ? '_' : c)).Trim();
            if (clean.Length == 0 || clean == "." || clean == "..") clean = "node";
            string unique = clean;
            for (int k = 2; _nodes.ContainsKey(unique) || unique is "input" or "output" || Array.IndexOf(_layerNodes, unique) >= 0; k++)
            {
                unique = $"{clean}_{k}";
            }
            return unique;
        }
    }

    /// <summary>A convolution node: Conv2d over (C, H, W), Conv1d over a sequence (C, L) with the kernel's width.</summary>
    internal static NirNode Conv(Shape input, float[] weight, int[] shape, Window2d w, int groups, float[] bias)
    {
        if (input.Rank == 2)
        {
            // A sequence (C, L) is our (C, 1, L): Conv1d with the kernel's width.
            return Node("Conv1d", ("weight", NirValue.Float32(weight, shape[0], shape[1], shape[3])),
                ("bias", NirValue.Float32(bias, bias.Length)), ("input_shape", NirValue.Scalar(input.Width)),
                ("stride", NirValue.Scalar(w.StrideW)), ("padding", NirValue.Scalar(w.PadLeft)),
                ("dilation", NirValue.Scalar(w.DilationW)), ("groups", NirValue.Scalar(groups)));
        }
        return Node("Conv2d", ("weight", NirValue.Float32(weight, shape)), ("bias", NirValue.Float32(bias, bias.Length)),
            ("input_shape", Pair(input.Height, input.Width)), ("stride", Pair(w.StrideH, w.StrideW)),
            ("padding", Pair(w.PadTop, w.PadLeft)), ("dilation", Pair(w.DilationH, w.DilationW)), ("groups", NirValue.Scalar(groups)));
    }

    /// <summary>
    /// The NIR node types <paramref name="op"/> becomes, or none with <paramref name="refusal"/> saying why it has no NIR form
    /// (for the constraint checks, which report rather than throw).
    /// </summary>
    internal static IReadOnlyList<string> NodeTypes(SynapticOp op, out string? refusal)
    {
        try
        {
            refusal = null;
            return [.. Builder.Op("op", op, null).Select(n => n.Type)];
        }
        catch (UnsupportedOperatorException e)
        {
            refusal = e.Message["op: ".Length..];
            return [];
        }
    }

    internal static NirNode Node(string type, params (string Name, NirValue Value)[] fields) => new(type, Fields(fields));

    internal static Dictionary<string, NirValue> Fields(params (string Name, NirValue Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);

    internal static Dictionary<string, NirValue> Meta(params (string Name, NirValue Value)[] fields) => Fields(fields);

    internal static NirValue Shape(Shape shape) => NirValue.Int64([.. shape.ToArray().Select(d => (long)d)], shape.Rank);

    internal static NirValue Pair(int a, int b) => NirValue.Int64([a, b], 2);

    internal static NirValue Filled(Shape shape, float value) => NirValue.Float32(Enumerable.Repeat(value, shape.Size).ToArray(),
        shape.ToArray());

    internal static NirValue FilledDouble(Shape shape, double value) =>
        NirValue.Float64(Enumerable.Repeat(value, shape.Size).ToArray(), shape.ToArray());
}
