using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Nir;

/// <summary>
/// Reads a NIR graph as a <see cref="SpikingNetwork"/> our backends simulate (docs/nir.md has the table):
/// <list type="bullet">
/// <item><c>IF</c>, <c>LIF</c> → populations; <c>CubaLIF</c> → LIF populations with exponential synapses (τs = tau_syn, stored
/// with the network as <see cref="SynapseMetadata"/>, so every population of the graph must be a CubaLIF of the same tau_syn:
/// ann2snn simulates one synapse model per network; w_in scales the incoming current); <c>I</c> → a membrane readout; the
/// subgraph of <see cref="NirMaxPool"/> →
/// winner-take-all max pooling;</item>
/// <item>every path of linear nodes (<c>Affine</c>, <c>Linear</c>, <c>Conv1d</c>, <c>Conv2d</c>, <c>AvgPool2d</c>,
/// <c>SumPool2d</c>, <c>Flatten</c>, <c>Scale</c>) from a population or the Input to a population → one projection (a linear
/// node fed by several paths is applied on each: it is linear); the Affine and Conv biases → the population's bias current;</item>
/// <item>an Output fed by linear nodes only → a membrane readout of them.</item>
/// </list>
/// Time: one step is the graph's metadata <c>dt</c> (ann2snn's export) or <see cref="DefaultDt"/> seconds. Per-neuron
/// thresholds and gains that differ are folded into a Scale of the incoming current (v/θ fires at 1). ann2snn's own metadata
/// (reset by subtraction, V(0), refractory period, signed and burst spikes, negative-branch gains, names) is read back, so an
/// exported network imports bit for bit. Anything else (LI, CubaLI, a Delay or Threshold outside the circuit, recurrence,
/// several outputs, a non-zero v_reset other than LIF's v_leak) is an <see cref="UnsupportedOperatorException"/> naming the node.
/// </summary>
public static class NirImporter
{
    public const double DefaultDt = 1e-4;

    public static SpikingNetwork Import(NirGraph graph, string name, double? dt = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var types = NirValidator.Validate(graph);
        double step = dt ?? (graph.Metadata.GetValueOrDefault(NirKeys.Dt)?.Floats is [double d] && d > 0
            && double.IsFinite(d) ? d : DefaultDt);
        return new Builder(graph, types, step).Build(graph.Metadata.GetValueOrDefault(NirKeys.NetworkName)?.Strings is [var n] ? n : name);
    }

    private sealed class Builder(NirGraph graph, IReadOnlyDictionary<string, (int[] In, int[] Out)> types, double dt)
    {
        private readonly Dictionary<string, int> _layerIndex = new(StringComparer.Ordinal);

        private static bool IsLinear(string type) =>
            type is "Affine" or "Linear" or "Conv1d" or "Conv2d" or "AvgPool2d" or "SumPool2d" or "Flatten" or "Scale";

        private bool IsLayer(string node) => graph.Nodes[node].Type is "IF" or "LIF" or "CubaLIF" or "I" or NirSchema.Graph;

        private static string At(string node) => $"node '{NirValidator.Quote(node)}'";

        public SpikingNetwork Build(string name)
        {
            string[] inputs = [.. graph.Nodes.Where(n => n.Value.Type == "Input").Select(n => n.Key)];
            string[] outputs = [.. graph.Nodes.Where(n => n.Value.Type == "Output").Select(n => n.Key)];
            if (inputs.Length != 1) throw new UnsupportedOperatorException($"the graph has {inputs.Length} Input nodes; ann2snn networks "
                + $"have one");
            if (outputs.Length != 1) throw new UnsupportedOperatorException($"the graph has {outputs.Length} Output nodes; ann2snn "
                + $"networks have one");
            foreach (var (node, n) in graph.Nodes)
            {
                if (n.Type is "Input" or "Output" || IsLinear(n.Type) || n.Type is "IF" or "LIF" or "CubaLIF" or "I") continue;
                if (n.Type == NirSchema.Graph && n.MetadataText(NirKeys.Circuit) == NirKeys.WtaCircuit) continue;
                throw new UnsupportedOperatorException($"{At(node)} ({n.Type}): {Why(n.Type)}");
            }
            string output = outputs[0];
            string[] feeding = [.. graph.Predecessors(output).Distinct()];
            bool synthesizedReadout = feeding.Length != 1 || !IsLayer(feeding[0]);
            List<string> order = Order(inputs[0], synthesizedReadout ? null : feeding[0]);
            var layers = new List<SpikingLayer>();
            foreach (string node in order)
            {
                _layerIndex[node] = layers.Count;
                layers.Add(Layer(node));
            }
            if (synthesizedReadout)
            {
                var shape = new Shape(types[output].In);
                var (projections, bias) = Incoming(output, shape, "output");
                layers.Add(new ReadoutLayer("readout", shape, projections, bias));
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in graph.Metadata)
            {
                if (key.StartsWith(NirKeys.NetworkMetadata, StringComparison.Ordinal) && value.Strings is [var s])
                {
                    metadata[key[NirKeys.NetworkMetadata.Length..]] = s;
                }
            }
            var network = new SpikingNetwork(name, new Shape(types[inputs[0]].Out), layers, metadata);
            return Synapse() is { } tauSyn ? SynapseMetadata.Write(network, SynapseModel.Exponential, tauSyn) : network;
        }

        /// <summary>
        /// τs in steps when the graph's populations are CubaLIF (exponential synapses), null when none is. ann2snn simulates one
        /// synapse model per network, so a graph that mixes CubaLIF with IF or LIF populations, or CubaLIF nodes of different
        /// tau_syn, is refused naming the node.
        /// </summary>
        private float? Synapse()
        {
            var populations = graph.Nodes.Where(kv => kv.Value.Type is "IF" or "LIF" or "CubaLIF").ToArray();
            if (!populations.Any(kv => kv.Value.Type == "CubaLIF")) return null;
            double? tauSyn = null;
            foreach (var (node, n) in populations)
            {
                if (n.Type != "CubaLIF")
                {
                    throw new UnsupportedOperatorException($"{At(node)} ({n.Type}): the graph mixes it with CubaLIF populations; ann2snn "
                        + "simulates one synapse model per network (all CubaLIF, or none)");
                }
                double[] tau = n.Fields["tau_syn"].Floats!;
                if (tau.Any(v => v != tau[0]) || (tauSyn is { } first && first != tau[0]))
                {
                    throw new UnsupportedOperatorException($"{At(node)} (CubaLIF): tau_syn differs between neurons or populations; "
                        + "ann2snn simulates one synaptic time constant per network");
                }
                tauSyn = tau[0];
            }
            float steps = (float)(tauSyn!.Value / dt);
            if (!(steps > 0) || !float.IsFinite(steps)) throw new InvalidModelException($"CubaLIF tau_syn {tauSyn} is not a positive time");
            return steps;
        }

        private static string Why(string type) => type switch
        {
            "CubaLI" => "a leaky non-spiking readout with a synaptic filter is not supported (ann2snn's readout integrates without "
                + "leak: I)",
            "LI" => "leaky non-spiking readouts are not supported (ann2snn's readout integrates without leak: I)",
            "Delay" or "Threshold" => "delays and bare thresholds are supported only inside ann2snn's max-pool circuit",
            NirSchema.Graph => "nested graphs other than ann2snn's max-pool circuit are not supported (recurrent layers are not)",
            _ => "not supported",
        };

        /// <summary>Layer nodes in topological order, <paramref name="last"/> (the output's) at the end.</summary>
        private List<string> Order(string input, string? last)
        {
            var order = new List<string>();
            var state = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (string node in graph.Nodes.Keys.Where(n => IsLayer(n) && n != last)) Visit(node);
            if (last is not null) Visit(last);
            if (last is not null && order[^1] != last)
            {
                throw new UnsupportedOperatorException($"{At(last)} feeds the Output and other layers too; the output layer must come "
                    + $"last");
            }
            _ = input;
            return order;

            void Visit(string node)
            {
                if (state.GetValueOrDefault(node) == 2) return;
                if (state.GetValueOrDefault(node) == 1) throw new UnsupportedOperatorException($"{At(node)}: recurrent connections are "
                    + $"not supported");
                state[node] = 1;
                foreach (var (source, _) in Paths(node)) if (source is { } s) Visit(s);
                state[node] = 2;
                order.Add(node);
            }
        }

        /// <summary>
        /// Every path into <paramref name="target"/> through linear nodes: its source layer (null for the Input) and its linear
        /// nodes in forward order.
        /// </summary>
        private List<(string? Source, List<string> Chain)> Paths(string target)
        {
            var paths = new List<(string?, List<string>)>();
            Walk(target, []);
            return paths;

            void Walk(string node, List<string> suffix)
            {
                foreach (string pred in graph.Predecessors(node))
                {
                    NirNode p = graph.Nodes[pred];
                    if (p.Type == "Input") paths.Add((null, suffix));
                    else if (IsLayer(pred)) paths.Add((pred, suffix));
                    else if (IsLinear(p.Type))
                    {
                        if (suffix.Count > 10_000) throw new UnsupportedOperatorException($"{At(pred)}: linear path too long");
                        Walk(pred, [pred, .. suffix]);
                    }
                    else throw new UnsupportedOperatorException($"{At(pred)} ({p.Type}): {Why(p.Type)}");
                }
            }
        }

        /// <summary>The projections into a node and the bias current its Affine and Conv nodes add.</summary>
        private (List<Projection> Projections, float[] Bias) Incoming(string target, Shape shape, string where)
        {
            var projections = new List<Projection>();
            var bias = new float[shape.Size];
            var counted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (source, chain) in Paths(target))
            {
                int from = source is null ? -1 : _layerIndex.TryGetValue(source, out int i) ? i
                    : throw new UnsupportedOperatorException($"{At(source)} feeds {where} but comes after it");
                var ops = new List<SynapticOp>();
                Shape current = from < 0 ? new Shape(types[graph.Nodes.First(n => n.Value.Type == "Input").Key].Out) : LayerShape(source!);
                for (int k = 0; k < chain.Count; k++)
                {
                    foreach (SynapticOp op in Ops(chain[k], current))
                    {
                        ops.Add(op);
                        current = op.OutputShape;
                    }
                    if (BiasOf(chain[k]) is { } b && counted.Add(chain[k])) AddBias(bias, b, chain, k, shape);
                }
                if (ops.Count == 0) ops.Add(new ReshapeOp(current, current));
                projections.Add(new Projection(from, ops));
            }
            if (projections.Count == 0) throw new UnsupportedOperatorException($"{where}: nothing feeds it");
            return (projections, bias);
        }

        private Shape LayerShape(string node) => new(types[node].Out);

        /// <summary>A node's bias spread over its output (per channel for convolutions), or null.</summary>
        private float[]? BiasOf(string node)
        {
            NirNode n = graph.Nodes[node];
            if (n.Field("bias") is not { } b) return null;
            float[] values = b.ToSingles();
            if (values.All(v => v == 0)) return null;
            if (n.Type is "Affine") return values;
            int plane = new Shape(types[node].Out).Size / values.Length;
            var spread = new float[values.Length * plane];
            for (int c = 0; c < values.Length; c++) spread.AsSpan(c * plane, plane).Fill(values[c]);
            return spread;
        }

        /// <summary>Adds a bias entering at chain[k]'s output: later Flatten nodes keep it, Scale nodes multiply it.</summary>
        private void AddBias(float[] total, float[] bias, List<string> chain, int k, Shape shape)
        {
            float[] b = (float[])bias.Clone();
            for (int j = k + 1; j < chain.Count; j++)
            {
                NirNode n = graph.Nodes[chain[j]];
                if (n.Type == "Flatten") continue;
                if (n.Type != "Scale") throw new UnsupportedOperatorException($"{At(chain[k])}: its bias passes through {At(chain[j])} "
                    + $"({n.Type}); a bias is supported only where Flatten and Scale nodes follow it");
                float[] s = n.Fields["scale"].ToSingles();
                for (int i = 0; i < b.Length; i++) b[i] *= s[i];
            }
            if (b.Length != shape.Size) throw new UnsupportedOperatorException($"{At(chain[k])}: its bias does not reach a layer of "
                + $"{shape}");
            for (int i = 0; i < b.Length; i++) total[i] += b[i];
        }

        private IEnumerable<SynapticOp> Ops(string node, Shape input)
        {
            NirNode n = graph.Nodes[node];
            string at = At(node);
            var output = new Shape(types[node].Out);
            switch (n.Type)
            {
                case "Affine":
                case "Linear":
                    {
                        NirValue w = n.Fields["weight"];
                        yield return new DenseOp(input, new FloatTensor([w.Shape[0], w.Shape[1]], w.ToSingles()));
                        break;
                    }
                case "Conv1d":
                case "Conv2d":
                    {
                        NirConv c = NirConv.Read(at, n);
                        var window = new Window2d(c.KernelH, c.KernelW, c.StrideH, c.StrideW, c.PadTop, c.PadLeft, c.PadBottom, c.PadRight,
                            c.DilationH, c.DilationW);
                        int[] shape = [c.OutChannels, c.InChannels / c.Groups, c.KernelH, c.KernelW];
                        float[] weight = n.Fields["weight"].ToSingles();
                        if (n.MetadataText(NirKeys.Op) == "avgpool" && IsSequencePool(weight, c))
                        {
                            yield return new AvgPoolOp(input, window, (c.PadLeft | c.PadTop) != 0, output);
                            break;
                        }
                        yield return new ConvOp(input, new FloatTensor(shape, weight), window, c.Groups, output);
                        break;
                    }
                case "AvgPool2d":
                case "SumPool2d":
                    {
                        NirPool p = NirPool.Read(at, n);
                        var window = new Window2d(p.KernelH, p.KernelW, p.StrideH, p.StrideW, p.PadH, p.PadW, p.PadH, p.PadW);
                        // Padded cells count (PyTorch's default); without padding the flag changes nothing and is left off.
                        yield return new AvgPoolOp(input, window, (p.PadH | p.PadW) != 0, output);
                        // A sum is the mean times the window's size (padded cells count in both).
                        if (n.Type == "SumPool2d") yield return new ScaleOp(output, [p.KernelH * p.KernelW]);
                        break;
                    }
                case "Flatten":
                    if (!input.Equals(output)) yield return new ReshapeOp(input, output);
                    break;
                case "Scale":
                    yield return new ScaleOp(input, Compact(n.Fields["scale"].ToSingles(), input));
                    break;
                default:
                    throw new UnsupportedOperatorException($"{at} ({n.Type}): not a linear node");
            }
        }

        /// <summary>Whether a convolution is the exporter's sequence pool: weight 1/K from each channel to itself only.</summary>
        private static bool IsSequencePool(float[] weight, NirConv c)
        {
            if (c.Groups != 1 || c.OutChannels != c.InChannels || c.KernelH != 1) return false;
            int k = c.KernelW;
            for (int o = 0; o < c.OutChannels; o++)
            {
                for (int i = 0; i < c.InChannels; i++)
                {
                    for (int j = 0; j < k; j++)
                    {
                        if (weight[(o * c.InChannels + i) * k + j] != (o == i ? 1f / k : 0f)) return false;
                    }
                }
            }
            return true;
        }

        /// <summary>Gains as one value, one per channel or one per element: the shortest that holds them.</summary>
        private static float[] Compact(float[] gains, Shape shape)
        {
            if (Uniform(gains)) return [gains[0]];
            int plane = shape.Size / shape.Channels;
            var channels = new float[shape.Channels];
            for (int c = 0; c < channels.Length; c++)
            {
                if (!Uniform(gains.AsSpan(c * plane, plane))) return gains;
                channels[c] = gains[c * plane];
            }
            return channels;
        }

        private SpikingLayer Layer(string node)
        {
            NirNode n = graph.Nodes[node];
            string at = At(node);
            string name = n.MetadataText(NirKeys.LayerName) ?? node;
            if (n.Type == NirSchema.Graph)
            {
                var (window, input, output) = NirMaxPool.Recognize(at, n)!.Value;
                string[] sources = [.. graph.Predecessors(node)];
                if (sources.Length != 1 || !IsLayer(sources[0]))
                {
                    throw new UnsupportedOperatorException($"{at}: a max-pool circuit must be fed directly by one population");
                }
                int source = _layerIndex[sources[0]];
                return new MaxPoolLayer(name, source, input, window, MaxPoolScheme.WinnerTakeAll, output);
            }
            var shape = new Shape(types[node].Out);
            var (projections, bias) = Incoming(node, shape, at);
            if (n.Type == "I")
            {
                float[] r = n.Fields["r"].ToSingles();
                if (r.Any(x => x != 1f)) Fold(projections, bias, shape, r);
                return new ReadoutLayer(name, shape, projections, bias);
            }
            float[]? negativeGain = n.Metadata.GetValueOrDefault(NirKeys.NegativeGain) is { Floats: not null } g ? g.ToSingles() : null;
            NeuronParameters neuron = Neuron(at, n, projections, bias, shape);
            if (NeuronLayer.NegativeGainProblem(negativeGain, neuron, shape) is { } problem)
            {
                throw new InvalidModelException($"{at} ({n.Type}): {NirKeys.NegativeGain}: {problem}");
            }
            return new NeuronLayer(name, shape, neuron, projections, bias, negativeGain);
        }

        /// <summary>Multiplies every incoming current of a layer by per-neuron <paramref name="gains"/> (a Scale after each
        /// chain).</summary>
        private static void Fold(List<Projection> projections, float[] bias, Shape shape, float[] gains)
        {
            for (int j = 0; j < projections.Count; j++)
            {
                projections[j] = new Projection(projections[j].Source, [.. projections[j].Ops, new ScaleOp(shape, gains)]);
            }
            for (int i = 0; i < bias.Length; i++) bias[i] *= gains[i];
        }

        private NeuronParameters Neuron(string at, NirNode n, List<Projection> projections, float[] bias, Shape shape)
        {
            float[] r = n.Fields["r"].ToSingles(), threshold = n.Fields["v_threshold"].ToSingles();
            float[] reset = n.Field("v_reset")?.ToSingles() ?? new float[shape.Size];
            bool uniform = Uniform(r) && Uniform(threshold);
            NeuronParameters p;
            if (n.Type == "IF")
            {
                if (reset.Any(v => v != 0)) throw new UnsupportedOperatorException($"{at} (IF): v_reset ≠ 0; ann2snn's IF resets to 0");
                if (uniform)
                {
                    p = NeuronParameters.IntegrateAndFire(threshold[0]) with { Dt = r[0] };
                }
                else
                {
                    Fold(projections, bias, shape, [.. r.Zip(threshold, (g, t) => g / t)]);
                    p = NeuronParameters.IntegrateAndFire(1f);
                }
            }
            else
            {
                if (n.Type == "CubaLIF" && n.Field("w_in")?.ToSingles() is { } wIn && wIn.Any(w => w != 1f))
                {
                    // w_in scales the current entering the synaptic filter: the same as scaling every incoming projection and the bias.
                    Fold(projections, bias, shape, wIn.Length == shape.Size ? wIn : [.. Enumerable.Repeat(wIn[0], shape.Size)]);
                }
                double[] tau = n.Fields[n.Type == "CubaLIF" ? "tau_mem" : "tau"].Floats!;
                float[] leak = n.Fields["v_leak"].ToSingles();
                if (!tau.All(t => t == tau[0]) || !Uniform(leak))
                {
                    throw new UnsupportedOperatorException($"{at} ({n.Type}): tau and v_leak must be the same for every neuron of a "
                        + "population");
                }
                if (reset.Any(v => v != leak[0])) throw new UnsupportedOperatorException($"{at} (LIF): v_reset ≠ v_leak; ann2snn's LIF "
                    + "resets to its resting potential");
                float tauSteps = (float)(tau[0] / dt);
                if (uniform)
                {
                    p = NeuronParameters.LeakyIntegrateAndFire(tauSteps, threshold[0], vRest: leak[0], resistance: r[0]);
                }
                else
                {
                    if (leak[0] != 0) throw new UnsupportedOperatorException($"{at} (LIF): thresholds that differ need v_leak = 0");
                    Fold(projections, bias, shape, [.. r.Zip(threshold, (g, t) => g / t)]);
                    p = NeuronParameters.LeakyIntegrateAndFire(tauSteps, 1f);
                }
            }
            p = p with
            {
                Reset = n.MetadataText(NirKeys.Reset) == "by_subtraction" ? ResetMode.BySubtraction : ResetMode.ToZero,
                InitialFraction = n.Metadata.GetValueOrDefault(NirKeys.InitialFraction)?.Floats is [double f] ? (float)f : 0f,
                RefractorySteps = (int)(n.Metadata.GetValueOrDefault(NirKeys.Refractory)?.Integers is [long rs] ? rs : 0),
                SignedSpikes = n.Metadata.GetValueOrDefault(NirKeys.Signed)?.Integers is [1],
                BurstLimit = (int)(n.Metadata.GetValueOrDefault(NirKeys.Burst)?.Integers is [long b] ? Math.Clamp(b, 0, 1000) : 1),
            };
            try
            {
                p.Validate();
            }
            catch (InvalidOptionException e)
            {
                throw new InvalidModelException($"{at} ({n.Type}): {e.Message}");
            }
            return p;
        }

        private static bool Uniform(ReadOnlySpan<float> values)
        {
            foreach (float v in values)
            {
                if (BitConverter.SingleToInt32Bits(v) != BitConverter.SingleToInt32Bits(values[0])) return false;
            }
            return true;
        }
    }
}
