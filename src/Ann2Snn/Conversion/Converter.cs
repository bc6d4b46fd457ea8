using System.Globalization;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Passes;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Conversion;

/// <summary>
/// ANN graph → spiking network, in fixed stages: validate → fold → (calibrate, by the caller) → normalize → replace → finalize.
/// <para>
/// Every ReLU (or Clip(0, m)) becomes a population of integrate-and-fire neurons whose rate r ∈ [0, 1] spikes per
/// step encodes the activation a ≈ r·λ/s, where λ is the layer's scale from normalization and s the fraction of
/// f_max it maps to. Linear ops between populations (conv, dense, average pooling, reshapes, constant scales,
/// residual sums, concatenation) become chains of synapses; their constants become per-neuron bias currents carried
/// through those ops exactly (so zero padding stays exact). Max pooling becomes a WTA or gating circuit; the output
/// becomes non-spiking readout neurons (or a spiking layer).
/// </para>
/// </summary>
public static class Converter
{
    /// <summary>The standard folding passes and the pre-flight check, before calibration.</summary>
    public static ModelGraph Prepare(ModelGraph graph, out IReadOnlyList<string> applied)
    {
        ArgumentNullException.ThrowIfNull(graph);
        PreflightReport preflight = Preflight.Check(graph);
        if (!preflight.Convertible)
        {
            PreflightFinding b = preflight.Blockers.First();
            throw new UnsupportedOperatorException($"model '{graph.Name}' cannot be converted: node '{b.Node}' ({b.Op}): {b.Message}");
        }
        ModelGraph prepared = PassPipeline.Standard.Run(graph, out applied);
        ModelGraph folded = LinearReadout.Fold(prepared);
        if (!ReferenceEquals(folded, prepared)) applied = [.. applied, "linear-readout"];
        return folded;
    }

    /// <summary>Converts a prepared graph (see <see cref="Prepare"/>) using statistics collected on that same graph.</summary>
    /// <param name="prepared">The prepared graph.</param>
    /// <param name="stats">Its calibration statistics (null for model-based normalization).</param>
    /// <param name="options">The options.</param>
    /// <param name="passesApplied">The passes preparation applied, for the log.</param>
    /// <param name="adjustments">Layer-wise corrections (λ factors, output shifts) from <see cref="LayerwiseCalibration"/>.</param>
    public static ConversionResult Convert(ModelGraph prepared, CalibrationStatistics? stats, ConversionOptions options,
        IReadOnlyList<string>? passesApplied = null, LayerAdjustments? adjustments = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // Quantized clips bring their own λ: a network of only those converts without data whatever the normalization.
        if (stats is null && options.Normalization.NeedsCalibration()
            && prepared.Nodes.Any(n => n is ReluNode or ClipNode || IsLeaky(n) || IsOperator(prepared, n)))
        {
            ThrowHelper.InvalidOption("norm",
                $"{options.Normalization} normalization needs calibration data; use model-based normalization to convert without data");
        }
        if (prepared.Nodes.FirstOrDefault(IsLeaky) is { } leaky && !options.UseSignedSpikes(prepared))
        {
            ThrowHelper.InvalidOption("signed", $"node '{leaky.Name}' ({leaky.Op}) converts to signed IF neurons with a negative "
                + "branch; they need signed spikes, IF neurons, reset by subtraction, no refractory period and burst 1 "
                + $"(got signed {(options.SignedSpikes is { } on ? on ? "on" : "off" : "auto")}, {options.Neuron}, {options.Reset}, "
                + $"refractory {options.RefractorySteps}, burst {options.Burst})");
        }
        bool perChannel = options.Normalization is NormalizationKind.ChannelWise or NormalizationKind.ChannelFit;
        if (perChannel && options.Scaling == ScalingMode.Thresholds)
        {
            ThrowHelper.InvalidOption("scaling", "channel-wise normalization needs weight scaling (a population has one threshold)");
        }
        var builder = new Builder(prepared, stats, options, adjustments ?? LayerAdjustments.None);
        return builder.Run(passesApplied ?? []);
    }

    /// <summary>
    /// A LeakyRelu or PRelu: it converts to signed neurons with a negative branch (<see cref="NeuronLayer.NegativeGain"/>).
    /// </summary>
    public static bool IsLeaky(Node n) => n is ActivationNode { Kind: ActivationKind.LeakyRelu or ActivationKind.PRelu };

    /// <summary>
    /// A node that becomes a spike-equivalent <see cref="OperatorLayer"/>: LayerNorm, GELU, a product of two activations,
    /// or a softmax over the last axis inside the network.
    /// </summary>
    public static bool IsOperator(ModelGraph graph, Node n)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return n is LayerNormNode or MatMulNode or ActivationNode { Kind: ActivationKind.Gelu }
            || (n is SoftmaxNode { Log: false } s && n != graph.Output && s.FirstAxis == s.LastAxis
                && s.LastAxis == s.OutputShape.Rank - 1);
    }

    private sealed record Term(int Source, IReadOnlyList<SynapticOp> Ops, int Delay = 0)
    {
        public Term Then(SynapticOp op) => new(Source, [.. Ops, op], Delay);
    }

    /// <summary>What a signal of a recurrent model holds over a sequence.</summary>
    private enum Sequencing
    {
        /// <summary>Not a sequence: one value per sample (any model without a recurrent layer).</summary>
        None,

        /// <summary>One value per element, presented in the element's window: the signal's shape is one element's.</summary>
        Elements,

        /// <summary>The last element's value only: what it feeds runs in the last window alone.</summary>
        Last,
    }

    /// <summary>
    /// A value in ANN units: Σ over terms of the chain applied to the source's spikes, plus a constant map. Signed: the
    /// source population has a negative branch, so its value may be negative.
    /// </summary>
    private sealed record Signal(Shape Shape, IReadOnlyList<Term> Terms, float[]? Bias, float Bound, bool Signed = false)
    {
        /// <summary>What the signal holds over a sequence.</summary>
        public Sequencing Sequence { get; init; }

        /// <summary>The spikes of one population, up to a positive per-channel gain.</summary>
        public bool IsPopulation => Bias is null && Terms.Count == 1 && Terms[0].Source >= 0
            && Terms[0].Ops.All(o => o is ScaleOp s && s.Scale.All(v => v > 0));

        /// <summary>Already non-negative spikes of one population: a ReLU (or a LeakyRelu) on it changes nothing.</summary>
        public bool IsSpiking => IsPopulation && !Signed;
    }

    private sealed class Builder(ModelGraph graph, CalibrationStatistics? stats, ConversionOptions options, LayerAdjustments adjust)
    {
        private readonly List<SpikingLayer> _layers = [];
        private readonly List<ConvertedLayer> _log = [];
        private readonly Dictionary<Node, Signal> _signals = new(ReferenceEqualityComparer.Instance);
        private readonly IReadOnlyList<Node> _inputChain = InputFunctionChain.Of(graph);

        /// <summary>L: the elements of a recurrent model's input sequence (0 for a model without a recurrent layer).</summary>
        private readonly int _length = graph.Nodes.Any(n => n is RecurrentNode) ? graph.Input.OutputShape[0] : 0;

        /// <summary>The layers built from the last element's state (they run in the last window only).</summary>
        private readonly SortedSet<int> _lastWindow = [];

        /// <summary>
        /// Spike slots of one neuron in the window (B per step with bursts, Δt·B per step at a step Δt &lt; 1, where λ maps to
        /// one spike per τ): the levels a fitted λ is chosen for.
        /// </summary>
        private int Levels => LevelsOf(options.Burst);

        private int LevelsOf(int burst) => Math.Max(1, (int)Math.Round((options.Window ?? 1) * burst * (double)options.Dt));

        /// <summary>The spikes per step λ maps to: the effective rate fraction of B spikes a step, less the refractory steps.</summary>
        private static float RateScale(ConversionOptions options, int burst) =>
            options.EffectiveRateFraction * burst / (options.RefractorySteps + 1f);

        public ConversionResult Run(IReadOnlyList<string> passes)
        {
            foreach (Node n in graph.Nodes)
            {
                _signals[n] = Visit(n);
            }
            Readout(graph.Output, _signals[graph.Output]);
            var metadata = new Dictionary<string, string>
            {
                ["source_graph"] = graph.Name,
                ["normalization"] = options.Normalization.ToString(),
                ["percentile"] = options.Percentile.ToString(CultureInfo.InvariantCulture),
                ["scaling"] = options.Scaling.ToString(),
                ["signed_spikes"] = options.UseSignedSpikes(graph) ? "true" : "false",
                ["calibration_images"] = (stats?.Images ?? 0).ToString(CultureInfo.InvariantCulture),
                ["input_scale"] = InputScale().ToString("R", CultureInfo.InvariantCulture),
            };
            if (InputFunctionChain.Function(graph) is { } function) metadata[InputFunction.Key] = function.ToString();
            Shape input = _length > 0 ? ElementOf(graph.Input.OutputShape) : graph.Input.OutputShape;
            var network = new SpikingNetwork(graph.Name, input, FoldGains(_layers), metadata);
            if (_length > 0) network = Presentation().WriteTo(network);
            return new ConversionResult(network, graph, passes, _log);
        }

        private float InputScale()
        {
            if (stats is null) return 1f;
            // The encoder's input: the graph input, or what the input function makes of it.
            float max = stats.For(_inputChain.Count > 0 ? _inputChain[^1] : graph.Input).Layer.Max;
            return max > 0 ? max : 1f;
        }

        /// <summary>
        /// How the network presents the sequence: each element for the window, the layers of the last element's state from
        /// the first of them on (they must be the last layers: nothing per element may come after them).
        /// </summary>
        private SequencePresentation Presentation()
        {
            int from = _lastWindow.Count > 0 ? _lastWindow.Min : _layers.Count;
            if (from + _lastWindow.Count != _layers.Count)
            {
                int other = Enumerable.Range(from, _layers.Count - from).First(i => !_lastWindow.Contains(i));
                throw new UnsupportedOperatorException($"layer '{_layers[other].Name}' runs on every sequence element but comes after "
                    + $"layer '{_layers[from].Name}', which reads the last element only: the converter needs the last state's layers last");
            }
            return new SequencePresentation(_length, ElementWindow, from) { Start = options.WindowStart };
        }

        /// <summary>W: the steps each element of a sequence is presented (the window of the conversion).</summary>
        private int ElementWindow => options.SequenceWindow ?? options.Window
            ?? throw new InvalidOptionException("option 'timesteps': a recurrent model converts for a window per sequence element; "
                + "give one (the evaluation's T, or --optimize-for T)");

        /// <summary>One element of a sequence [L, …]: […].</summary>
        private static Shape ElementOf(Shape sequence) => sequence.Rank == 1 ? new Shape(1) : new Shape(sequence.ToArray()[1..]);

        private Signal Visit(Node n)
        {
            Signal In(int i) => _signals[n.Inputs[i]];
            // The input function's nodes are the encoder's: the input signal passes (its reshapes stay synapses).
            if (n is not ReshapeNode && _inputChain.Contains(n)) return In(0);
            if (n is not (RecurrentNode or ReshapeNode or GatherNode or ReluNode or IdentityNode)
                && n.Inputs.Any(i => _signals[i].Sequence == Sequencing.Elements))
            {
                throw new UnsupportedOperatorException($"node '{n.Name}' ({n.Op}) acts on the whole sequence {n.Inputs[0].OutputShape}: "
                    + "a network presented one element at a time converts recurrent layers, reshapes that keep the sequence axis, "
                    + "ReLUs and the selection of the last element, and what follows that selection");
            }
            switch (n)
            {
                case InputNode i when _length > 0:
                    return new Signal(ElementOf(i.OutputShape), [new Term(-1, [])], null, Math.Max(1f, stats is null ? 1f : InputScale()))
                    {
                        Sequence = Sequencing.Elements,
                    };
                case InputNode i:
                    return new Signal(i.OutputShape, [new Term(-1, [])], null, Math.Max(1f, stats is null ? 1f : InputScale()));
                case RecurrentNode r:
                    return Recurrent(r, In(0));
                case ReshapeNode r when In(0).Sequence == Sequencing.Elements:
                    return ElementReshape(r, In(0));
                case GatherNode g when In(0).Sequence == Sequencing.Elements:
                    return LastElement(g, In(0));
                case Conv2dNode c:
                    {
                        var op = new ConvOp(c.Inputs[0].OutputShape, c.Weight, c.Window, c.Groups, c.OutputShape);
                        return Linear(In(0), op, c.Bias, AbsoluteRowBound(c.Weight, c.Bias));
                    }
                case DenseNode { IsVector: true } d:
                    {
                        var op = new DenseOp(d.Inputs[0].OutputShape, d.Weight);
                        return Linear(In(0), op, d.Bias, AbsoluteRowBound(d.Weight, d.Bias));
                    }
                case DenseNode d:
                    {
                        // Over tokens: the weights shared by every position, the bias repeated at each.
                        var op = new TokenDenseOp(d.Inputs[0].OutputShape, d.Weight);
                        float[]? bias = d.Bias is { } b ? [.. Enumerable.Range(0, d.OutputShape.Size).Select(i => b[i % b.Length])] : null;
                        return Linear(In(0), op, bias, AbsoluteRowBound(d.Weight, d.Bias));
                    }
                case Pool2dNode { Kind: PoolKind.Average } p:
                    return Linear(In(0), new AvgPoolOp(p.Inputs[0].OutputShape, p.Window, p.CountIncludePad, p.OutputShape), null, null);
                case GlobalAvgPoolNode g:
                    {
                        Shape x = g.Inputs[0].OutputShape;
                        var window = new Window2d(x.Height, x.Width, 1, 1, 0, 0, 0, 0);
                        return Linear(In(0), new AvgPoolOp(x, window, false, g.OutputShape), null, null);
                    }
                case ReshapeNode r:
                    return Linear(In(0), new ReshapeOp(r.Inputs[0].OutputShape, r.OutputShape), null, null);
                case IdentityNode:
                    return In(0);
                case PadNode pad:
                    return Pad(In(0), pad);
                case ScaleShiftNode s:
                    return Affine(In(0), s.Scale, s.Shift);
                case BatchNormNode b:
                    {
                        var (a, c) = b.Affine();
                        return Affine(In(0), a, c);
                    }
                case AddNode:
                    return Sum(n.OutputShape, In(0), In(1));
                case ConcatNode cat:
                    return Concat(cat);
                case BinaryNode { Kind: BinaryKind.Add } add when add.Inputs[0].OutputShape.Equals(add.Inputs[1].OutputShape):
                    return Sum(n.OutputShape, In(0), In(1));
                case ConstantNode k:
                    return new Signal(k.OutputShape, [], (float[])k.Values.Clone(), k.Values.Max(MathF.Abs));
                case TransposeNode t:
                    return Select(In(0), t.OutputShape, TransposeMap(t));
                case GatherNode g:
                    return Select(In(0), g.OutputShape, g.Map.ToArray());
                case LayerNormNode ln:
                    {
                        int size = ln.Block.Length;
                        float[] gamma = ln.Scale.Length == size ? ln.Scale : Enumerable.Repeat(ln.Scale[0], size).ToArray();
                        float[] beta = ln.Bias.Length == size ? ln.Bias : Enumerable.Repeat(ln.Bias[0], size).ToArray();
                        int axes = ln.OutputShape.Rank - ln.FirstAxis;
                        var op = OperatorLayer.LayerNorm(ln.Name, Operand(ln, 0), gamma, beta, ln.Epsilon, axes);
                        float bound = gamma.Max(MathF.Abs) * MathF.Sqrt(size) + beta.Max(MathF.Abs);
                        return Operator(ln, op, bound);
                    }
                case SoftmaxNode sm when IsOperator(graph, sm):
                    return Operator(sm, OperatorLayer.Softmax(sm.Name, Operand(sm, 0)), 1f);
                case ActivationNode { Kind: ActivationKind.Gelu } gelu:
                    return Operator(gelu, OperatorLayer.Gelu(gelu.Name, Operand(gelu, 0)), In(0).Bound);
                case MatMulNode mm:
                    return Operator(mm, OperatorLayer.MatMul(mm.Name, Operand(mm, 0), Operand(mm, 1)), In(0).Bound * In(1).Bound * mm.K);
                case ReluNode:
                    {
                        Signal x = In(0);
                        return x.IsSpiking ? x : Spike(n, x, float.PositiveInfinity);
                    }
                case ClipNode clip:
                    return Spike(n, In(0), clip.Max);
                case ActivationNode a when IsLeaky(a):
                    {
                        Signal x = In(0);
                        float[] gain = a.Kind == ActivationKind.LeakyRelu ? [a.Alpha] : (float[])a.Slope!.Clone();
                        return x.IsSpiking ? x : Spike(n, x, float.PositiveInfinity, negativeGain: gain);
                    }
                case QuantizedClipNode q:
                    return Spike(n, In(0), q.Lambda, q);
                case Pool2dNode { Kind: PoolKind.Max } mp:
                    {
                        Signal x = In(0);
                        if (!x.IsPopulation) x = Spike(mp.Inputs[0], x, float.PositiveInfinity);
                        Term t = x.Terms[0];
                        _layers.Add(new MaxPoolLayer(mp.Name, t.Source, mp.Inputs[0].OutputShape,
                            mp.Window, options.MaxPool, mp.OutputShape));
                        int index = _layers.Count - 1;
                        _log.Add(new ConvertedLayer(mp.Name, "maxpool", mp.Name, mp.OutputShape, float.NaN, float.NaN));
                        // Max pooling commutes with the positive per-channel gain of its source.
                        var gain = (ScaleOp)t.Ops.Single();
                        return new Signal(mp.OutputShape, [new Term(index, [new ScaleOp(mp.OutputShape, gain.Scale)])], null, x.Bound,
                            x.Signed)
                        { Sequence = x.Sequence };
                    }
                default:
                    throw new UnsupportedOperatorException($"node '{n.Name}' ({n.Op}): "
                        + "the converter has no spiking equivalent for this node");
            }
        }

        /// <summary>
        /// A ReLU RNN over the elements of <paramref name="x"/>: a population of H IF neurons charged, in element t's window, by
        /// W·xₜ + Wb + Rb and by its own spikes of the previous window through R (delayed by the window, or by
        /// <see cref="ConversionOptions.RecurrentDelay"/>), so that its rate in window t encodes Hₜ = ReLU(W·xₜ + R·Hₜ₋₁ + b).
        /// The recurrent weights take the population's λ on both sides, so the feed-forward path's normalization serves them.
        /// </summary>
        private Signal Recurrent(RecurrentNode r, Signal x)
        {
            if (x.Sequence != Sequencing.Elements)
            {
                throw new UnsupportedOperatorException($"node '{r.Name}' ({r.Op}) reads a tensor that is not a sequence of the "
                    + "input's elements");
            }
            int h = r.HiddenSize, f = r.InputSize;
            var w = new FloatTensor([h, f], r.Weight.Data.ToArray());
            var recurrence = new FloatTensor([h, h], r.Recurrence.Data.ToArray());
            float[]? bias = r.Bias is { } b ? [.. Enumerable.Range(0, h).Select(i => b[i] + b[h + i])] : null;
            Signal u = Linear(x, new DenseOp(x.Shape, w), bias, AbsoluteRowBound(w, bias) + AbsoluteRowBound(recurrence, null));
            Signal hidden = Spike(r, u, float.PositiveInfinity, recurrence: recurrence);
            // Per element the node's output is [D = 1, H].
            return Linear(hidden, new ReshapeOp(hidden.Shape, ElementOf(r.OutputShape)), null, null);
        }

        /// <summary>A reshape of a sequence that keeps its element axis: the same reshape of each element.</summary>
        private Signal ElementReshape(ReshapeNode r, Signal x)
        {
            Shape from = r.Inputs[0].OutputShape, to = r.OutputShape;
            if (to.Rank < 2 || to[0] != _length || from[0] != _length)
            {
                throw new UnsupportedOperatorException($"node '{r.Name}' ({r.Op}) reshapes the sequence {from} to {to}, which mixes "
                    + "its elements; a network presented one element at a time needs the element axis kept");
            }
            return Linear(x, new ReshapeOp(x.Shape, ElementOf(to)), null, null);
        }

        /// <summary>
        /// The selection of the last element's state (PyTorch's h_n or y[:, −1]): the signal of the last window, which what
        /// follows reads.
        /// </summary>
        private Signal LastElement(GatherNode g, Signal x)
        {
            int element = x.Shape.Size, first = (_length - 1) * element;
            ReadOnlySpan<int> map = g.Map;
            bool last = map.Length == element;
            for (int i = 0; last && i < map.Length; i++) last = map[i] == first + i;
            if (!last)
            {
                throw new UnsupportedOperatorException($"node '{g.Name}' ({g.Op}) selects elements of the sequence "
                    + $"{g.Inputs[0].OutputShape} other than the last element's state; a spiking network presented one element at a "
                    + "time reads out the last state only");
            }
            return Linear(x, new ReshapeOp(x.Shape, g.OutputShape), null, null) with { Sequence = Sequencing.Last };
        }

        private static Signal Sum(Shape shape, Signal a, Signal b)
        {
            float[]? bias = a.Bias is null ? b.Bias : b.Bias is null ? a.Bias : a.Bias.Zip(b.Bias, (x, y) => x + y).ToArray();
            return new Signal(shape, [.. a.Terms, .. b.Terms], bias, a.Bound + b.Bound)
            {
                Sequence = (Sequencing)Math.Max((int)a.Sequence, (int)b.Sequence),
            };
        }

        /// <summary>
        /// Operand <paramref name="i"/> of operator node <paramref name="at"/>: the projections of its input signal when that
        /// is spikes or operator outputs without a constant; otherwise the signal is first carried by a signed IF population
        /// (negative gain 1) at the input node's calibrated λ, whose bias absorbs the constant.
        /// </summary>
        private Operand Operand(Node at, int i)
        {
            Node input = at.Inputs[i];
            Signal x = _signals[input];
            if (x.Bias is not null || x.Terms.Count == 0 || x.Terms.Any(t => t.Source < 0))
            {
                if (!options.UseSignedSpikes(graph))
                {
                    ThrowHelper.InvalidOption("signed", $"node '{at.Name}' ({at.Op}) reads '{input.Name}' through a signed IF "
                        + "population; it needs signed spikes, IF neurons, reset by subtraction, no refractory period and burst 1");
                }
                x = Spike(input, x, float.PositiveInfinity, negativeGain: [1f], magnitude: true);
            }
            return new Operand(x.Shape, x.Terms.Select(t => new Projection(t.Source, t.Ops)).ToArray());
        }

        /// <summary>
        /// Adds an operator layer; downstream its emitted values are input currents in ANN units (value 1 per unit emitted),
        /// so its signal is its output with unit gain, and signed.
        /// </summary>
        private Signal Operator(Node n, OperatorLayer op, float bound)
        {
            _layers.Add(op);
            _log.Add(new ConvertedLayer(n.Name, "operator", n.Name, n.OutputShape, float.NaN, float.NaN));
            return new Signal(n.OutputShape, [new Term(_layers.Count - 1, [new ScaleOp(n.OutputShape, [1f])])], null, bound, true);
        }

        /// <summary>Output element i of a transpose copies input element map[i] (row-major, per sample).</summary>
        private static int[] TransposeMap(TransposeNode t)
        {
            Shape x = t.Inputs[0].OutputShape, y = t.OutputShape;
            var inStride = new int[x.Rank];
            for (int a = x.Rank - 1, s = 1; a >= 0; s *= x[a], a--) inStride[a] = s;
            var map = new int[y.Size];
            var index = new int[y.Rank];
            for (int i = 0; i < map.Length; i++)
            {
                int at = 0;
                for (int a = 0; a < y.Rank; a++) at += index[a] * inStride[t.Permutation[a]];
                map[i] = at;
                for (int a = y.Rank - 1; a >= 0 && ++index[a] == y[a]; a--) index[a] = 0;
            }
            return map;
        }

        /// <summary>
        /// A fixed selection y[i] = x[map[i]] (a transpose, a gather or a slice): each term whose chain ends in a plain dense
        /// map (up to reshapes) takes that map's rows in the new order; one that ends in a selection gets the two composed;
        /// any other term (dense synapses over tokens, a population's spikes) gets a selection op after its chain. The bias
        /// is selected alike.
        /// </summary>
        private static Signal Select(Signal x, Shape shape, int[] map)
        {
            if (map.Length == x.Shape.Size && map.Select((m, i) => m == i).All(same => same))
            {
                // Every element in place (e.g. h_n[-1] of a one-direction RNN): a reshape, no synapses.
                var reshape = new ReshapeOp(x.Shape, shape);
                return new Signal(shape, x.Terms.Select(t => t.Then(reshape)).ToArray(), x.Bias, x.Bound, x.Signed)
                {
                    Sequence = x.Sequence,
                };
            }
            var flat = new Shape(shape.Size);
            var terms = new List<Term>(x.Terms.Count);
            foreach (Term t in x.Terms)
            {
                int last = t.Ops.Count - 1;
                while (last >= 0 && t.Ops[last] is ReshapeOp) last--;
                if (last >= 0 && t.Ops[last] is DenseOp d)
                {
                    int cols = d.Weight.Shape[1];
                    var rows = new float[map.Length * cols];
                    for (int i = 0; i < map.Length; i++) d.Weight.Data.AsSpan(map[i] * cols, cols).CopyTo(rows.AsSpan(i * cols));
                    terms.Add(new Term(t.Source, [.. t.Ops.Take(last), new DenseOp(d.InputShape, new FloatTensor([map.Length, cols], rows)),
                        new ReshapeOp(flat, shape)], t.Delay));
                    continue;
                }
                if (last >= 0 && t.Ops[last] is SelectOp s)
                {
                    int[] before = s.Map.ToArray();
                    var composed = new SelectOp(s.InputShape, Array.ConvertAll(map, i => before[i]), shape);
                    terms.Add(new Term(t.Source, [.. t.Ops.Take(last), composed], t.Delay));
                    continue;
                }
                terms.Add(t.Then(new SelectOp(x.Shape, map, shape)));
            }
            float[]? source = x.Bias;
            float[]? bias = source is null ? null : Array.ConvertAll(map, i => source[i]);
            return new Signal(shape, terms, bias, x.Bound, x.Signed) { Sequence = x.Sequence };
        }

        private static float AbsoluteRowBound(FloatTensor w, float[]? bias)
        {
            // Diehl-style weight-only bound per unit input: max over outputs of Σ|W| (inputs may be of either sign before a ReLU).
            int per = w.Length / w.Shape[0];
            double best = 0;
            for (int o = 0; o < w.Shape[0]; o++)
            {
                double sum = Math.Abs(bias?[o] ?? 0f);
                for (int i = 0; i < per; i++) sum += Math.Abs(w.Data[o * per + i]);
                best = Math.Max(best, sum);
            }
            return (float)best;
        }

        private Signal Linear(Signal x, SynapticOp op, float[]? ownBias, float? boundGain)
        {
            float[]? bias = x.Bias is null ? null : SynapticOpReference.Apply(op, x.Bias);
            if (ownBias is not null)
            {
                bias ??= new float[op.OutputShape.Size];
                // Per output channel, or one value per output element (a dense map over tokens repeats its bias per token).
                int plane = ownBias.Length == bias.Length ? 1 : op.OutputShape.Size / op.OutputShape.Channels;
                for (int i = 0; i < bias.Length; i++) bias[i] += ownBias[i / plane];
            }
            float bound = boundGain is { } g ? g * Math.Max(1f, x.Bound) : x.Bound;
            return new Signal(op.OutputShape, x.Terms.Select(t => t.Then(op)).ToArray(), bias, bound) { Sequence = x.Sequence };
        }

        /// <summary>Constant padding: the synapses of zero padding, and a non-zero fill value as a bias on the padded cells.</summary>
        private Signal Pad(Signal x, PadNode pad)
        {
            foreach (SynapticOp op in PadSynapses.Ops(pad)) x = Linear(x, op, null, null);
            if (PadSynapses.Fill(pad) is not { } fill) return x;
            float[] bias = x.Bias is null ? fill : x.Bias.Zip(fill, (a, b) => a + b).ToArray();
            return x with { Bias = bias, Bound = Math.Max(x.Bound, Math.Abs(pad.Value)) };
        }

        private static Signal Affine(Signal x, float[] scale, float[] shift)
        {
            var op = new ScaleOp(x.Shape, scale);
            int size = x.Shape.Size, plane = size / x.Shape.Channels;
            var bias = new float[size];
            for (int i = 0; i < size; i++)
            {
                bias[i] = (x.Bias?[i] ?? 0f) * ChannelBroadcast.At(scale, i, plane, size) + ChannelBroadcast.At(shift, i, plane, size);
            }
            float bound = x.Bound * scale.Max(MathF.Abs) + shift.Max(MathF.Abs);
            return new Signal(x.Shape, x.Terms.Select(t => t.Then(op)).ToArray(), bias.Any(v => v != 0f) ? bias : null, bound)
            {
                Sequence = x.Sequence,
            };
        }

        private Signal Concat(ConcatNode cat)
        {
            var terms = new List<Term>();
            float[]? bias = null;
            int offset = 0, plane = cat.OutputShape.Size / cat.OutputShape.Channels;
            float bound = 0;
            foreach (Node input in cat.Inputs)
            {
                Signal s = _signals[input];
                var op = new ConcatSliceOp(s.Shape, offset, cat.OutputShape);
                terms.AddRange(s.Terms.Select(t => t.Then(op)));
                if (s.Bias is not null)
                {
                    bias ??= new float[cat.OutputShape.Size];
                    s.Bias.CopyTo(bias, offset * plane);
                }
                bound = Math.Max(bound, s.Bound);
                offset += s.Shape.Channels;
            }
            Sequencing sequence = cat.Inputs.Select(i => _signals[i].Sequence).Max();
            return new Signal(cat.OutputShape, terms, bias, bound) { Sequence = sequence };
        }

        /// <summary>
        /// The activation scale λ of a node (per channel, or one value repeated), clamped to a Clip's maximum; with
        /// <paramref name="magnitude"/> (a signed population carrying a tensor of either sign) one value for the layer, taken
        /// from the magnitudes |x| (channel-wise kinds fall back to their layer-wise form).
        /// </summary>
        private float[] Lambda(Node n, Signal x, float clipMax, bool magnitude = false, int? levels = null)
        {
            int slots = levels ?? Levels;
            int channels = x.Shape.Channels;
            float[] lambda;
            if (!options.Normalization.NeedsCalibration() || stats is null)
            {
                lambda = [x.Bound];
            }
            else
            {
                NodeStatistics s = stats!.For(n);
                NormalizationKind kind = options.Normalization;
                StreamingHistogram m = s.Magnitude;
                lambda = magnitude ? options.Normalization switch
                {
                    NormalizationKind.Max => [m.Max],
                    NormalizationKind.Fit or NormalizationKind.ChannelFit => [m.QuantizationOptimum(slots, options.InitialFraction)],
                    _ => [m.Percentile(options.Percentile)],
                }
                : kind switch
                {
                    NormalizationKind.Max => [s.Layer.Max],
                    NormalizationKind.Percentile => [s.Layer.Percentile(options.Percentile)],
                    NormalizationKind.Fit => [s.Layer.QuantizationOptimum(slots, options.InitialFraction)],
                    NormalizationKind.ChannelFit =>
                        s.Channels.Select(h => h.QuantizationOptimum(slots, options.InitialFraction)).ToArray(),
                    _ => s.Channels.Select(h => h.Percentile(options.Percentile)).ToArray(),
                };
            }
            // A silent layer or channel keeps a unit scale (it never fires anyway).
            for (int c = 0; c < lambda.Length; c++)
            {
                if (!(lambda[c] > 0) || !float.IsFinite(lambda[c])) lambda[c] = lambda.Length > 1
                    ? lambda.Where(v => v > 0 && float.IsFinite(v)).DefaultIfEmpty(1f).Max()
                    : 1f;
                lambda[c] = MathF.Min(lambda[c] * adjust.LambdaFactor(n.Name), clipMax);
            }
            return lambda.Length == 1 || lambda.Length == channels ? lambda : [lambda.Max()];
        }

        /// <summary>
        /// Whether a quantized clip takes its λ from data after all: when the conversion is tuned for a window whose spike slots
        /// differ from the node's L levels, the neurons cannot reproduce L levels, and λ is fitted to the slots like a ReLU's
        /// (at most the node's λ; <see cref="LayerwiseCalibration"/> then corrects the rest).
        /// </summary>
        private bool RefitsQuantized(QuantizedClipNode q) =>
            options.Window is not null && stats is not null && q.Levels != Levels && options.Normalization.NeedsCalibration();

        /// <summary>
        /// Replaces a signal by a spiking population encoding max(0, signal) (clipped at λ). A quantized clip brings its
        /// own λ (the threshold, whatever the normalization) and its shift φ as the initial membrane fraction: with
        /// θ = λ and V(0) = φ·θ the expected conversion error of QCFS is zero for any T (Bu et al. 2022). With a
        /// <paramref name="negativeGain"/> α (LeakyRelu's α or PRelu's slopes) the population encodes f(signal) = signal
        /// above 0 and α·signal below (<see cref="NeuronLayer.NegativeGain"/>): f commutes with the positive per-channel
        /// gain s/λ into rates, so the same λ, θ and bias serve, and λ comes from the positive side of f's statistics.
        /// </summary>
        private Signal Spike(Node at, Signal x, float clipMax, QuantizedClipNode? quantized = null, float[]? negativeGain = null,
            FloatTensor? recurrence = null, bool magnitude = false)
        {
            if (x.Sequence == Sequencing.Elements && _lastWindow.Count > 0)
            {
                throw new UnsupportedOperatorException($"node '{at.Name}' ({at.Op}) runs on every sequence element after a layer that "
                    + "reads the last element only; the converter needs the last state's layers last");
            }
            bool fromModel = quantized is not null && !RefitsQuantized(quantized);
            // Recurrent and operand populations resolve more levels a step (graded spikes; ConversionOptions.RecurrentBurst,
            // ConversionOptions.OperandBurst).
            bool signed = options.UseSignedSpikes(graph);
            int burst = magnitude ? options.OperandBurstFor()
                : recurrence is not null && !signed ? options.RecurrentBurstFor(ElementWindow)
                : options.Burst;
            float rateScale = RateScale(options, burst);
            float[] lambda = fromModel ? [quantized!.Lambda] : Lambda(at, x, quantized?.Lambda ?? clipMax, magnitude, LevelsOf(burst));
            bool thresholds = options.Scaling == ScalingMode.Thresholds;
            float theta = thresholds ? lambda[0] / rateScale : options.VThreshold;
            // Current per unit of rate: 1 with threshold scaling (ANN units), (V_th − V_rest)·g₁/g with weight scaling.
            float unit = thresholds ? 1f : options.CurrentPerRate;
            var toRate = new ScaleOp(x.Shape, lambda.Select(l => unit * rateScale / l).ToArray());
            float dt = options.Dt;
            float[] spikeValue = lambda.Select(l => l / (rateScale * dt)).ToArray();
            IReadOnlyList<Term> inputs = x.Terms;
            if (recurrence is not null)
            {
                // The population's own spikes of the previous window, as values (λ/s a spike) through R, back onto the population.
                int delay = options.RecurrentDelay ?? ElementWindow;
                inputs = [.. inputs, new Term(_layers.Count, [new ScaleOp(x.Shape, spikeValue), new DenseOp(x.Shape, recurrence)], delay)];
            }
            IReadOnlyList<Term> terms = thresholds ? inputs : inputs.Select(t => t.Then(toRate)).ToArray();
            float[] bias = x.Bias is null
                ? new float[x.Shape.Size]
                : thresholds ? (float[])x.Bias.Clone() : SynapticOpReference.Apply(toRate, x.Bias);
            // One spike per step stands for λ/(s·Δt) in ANN units: at a step Δt the neuron fires s·Δt·a/λ per step, and a spike
            // is a charge, not a current, so its weight downstream is that value (its charge is Δt times it). A shift Δa of the
            // encoded value is a current Δa·θ/u with u = λ/s, whatever Δt.
            if (adjust.OutputShifts.TryGetValue(at.Name, out float[]? shift))
            {
                int plane = x.Shape.Size / x.Shape.Channels;
                float perValue = thresholds ? theta : unit;
                for (int i = 0; i < bias.Length; i++)
                {
                    bias[i] += shift[i] * perValue / (spikeValue[spikeValue.Length == 1 ? 0 : i / plane] * dt);
                }
            }
            // A per-unit-time input gain of 1 at Δt = 1, whatever the model (a LIF differs from the IF only by its leak).
            NeuronParameters neuron = options.ConvertedNeuron(theta) with
            {
                Reset = options.Reset,
                RefractorySteps = options.RefractorySteps,
                InitialFraction = fromModel && quantized is { Levels: not null } ? quantized.Shift : options.InitialFraction,
                SignedSpikes = signed,
                BurstLimit = burst,
            };
            var projections = terms.Select(t => new Projection(t.Source, t.Ops) { Delay = t.Delay }).ToArray();
            _layers.Add(new NeuronLayer(at.Name, x.Shape, neuron, projections, bias, negativeGain));
            if (x.Sequence == Sequencing.Last) _lastWindow.Add(_layers.Count - 1);
            string? kind = quantized is null ? null : quantized.Levels is { } l ? $"QCFS L={l}" : "ReLU-λ";
            string? source = kind is null ? null
                : fromModel ? $"model ({kind})"
                : $"fitted to the window ({kind}, λ ≤ {quantized!.Lambda:g4})";
            _log.Add(new ConvertedLayer(at.Name, "neurons", at.Name, x.Shape, lambda.Max(), theta, source) { SpikeValue = spikeValue });
            int index = _layers.Count - 1;
            // Downstream, one spike per step stands for λ/s in ANN units.
            var fromRate = new ScaleOp(x.Shape, spikeValue);
            float bound = thresholds ? lambda[0] : lambda.Max();
            return new Signal(x.Shape, [new Term(index, [fromRate])], null, bound, negativeGain is not null) { Sequence = x.Sequence };
        }

        private void Readout(Node output, Signal x)
        {
            if (x.Sequence == Sequencing.Elements)
            {
                throw new UnsupportedOperatorException($"output '{output.Name}' holds a value per sequence element; a spiking network "
                    + "presented one element at a time reads out the last element's state only (e.g. h_n, or y[:, -1])");
            }
            if (options.Readout == ReadoutKind.SpikeCount)
            {
                if (!(x.IsPopulation && _layers.Count > 0 && x.Terms[0].Source == _layers.Count - 1))
                {
                    Spike(output, x, float.PositiveInfinity);
                }
                return;
            }
            var projections = x.Terms.Select(t => new Projection(t.Source, t.Ops)).ToArray();
            float[] bias = x.Bias is null ? new float[x.Shape.Size] : (float[])x.Bias.Clone();
            if (adjust.OutputShifts.TryGetValue(output.Name + ".readout", out float[]? shift))
            {
                for (int i = 0; i < bias.Length; i++) bias[i] += shift[i];
            }
            _layers.Add(new ReadoutLayer(output.Name + ".readout", x.Shape, projections, bias));
            if (x.Sequence == Sequencing.Last) _lastWindow.Add(_layers.Count - 1);
            _log.Add(new ConvertedLayer(output.Name + ".readout", "readout", output.Name, x.Shape, 1f, float.NaN));
        }
    }

    /// <summary>Folds the gains left in each projection's chain into neighbouring weights, so most chains are one weighted op.</summary>
    private static List<SpikingLayer> FoldGains(List<SpikingLayer> layers) =>
        layers.Select(l => l switch
        {
            NeuronLayer n => new NeuronLayer(n.Name, n.Shape, n.Neuron, n.Projections.Select(Simplify).ToArray(), n.Bias, n.NegativeGain),
            ReadoutLayer r => new ReadoutLayer(r.Name, r.Shape, r.Projections.Select(Simplify).ToArray(), r.Bias),
            _ => l,
        }).ToList();

    private static Projection Simplify(Projection p) => new(p.Source, ChainSimplifier.Simplify(p.Ops)) { Delay = p.Delay };
}
