using Ann2Snn.Graph;
using Ann2Snn.Passes;

namespace Ann2Snn.Conversion;

/// <summary>
/// Checks a graph against what rate-coded conversion can express: every hidden weighted layer must reach a ReLU
/// (possibly through ops that commute with it or are affine and foldable), before any other weighted layer
/// or average pooling consumes its signed output; Clip only with a lower bound of 0; a quantized clip (QCFS), a
/// LeakyRelu or a PRelu (signed neurons with a negative branch) where a ReLU may be. Softmax, strictly increasing
/// activations and ArgMax only at the output, where the argmax readout makes them redundant
/// (<see cref="ArgmaxReadoutPass"/>); other activations and general reductions have no spiking equivalent.
/// </summary>
/// <remarks>
/// Padding, transposes and transposed convolutions: see <see cref="LayoutFindings"/>.
/// </remarks>
public static class Preflight
{
    public static PreflightReport Check(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var findings = new List<PreflightFinding>();
        var argmax = new HashSet<Node>(ArgmaxReadoutPass.Readout(graph), ReferenceEqualityComparer.Instance);
        IReadOnlyList<Node> tail = LinearReadout.Tail(graph);
        var linear = new HashSet<Node>(LinearReadout.NeedsFold(tail) ? tail : [], ReferenceEqualityComparer.Instance);
        var readout = new HashSet<Node>(argmax.Concat(linear), ReferenceEqualityComparer.Instance);
        var encoding = new HashSet<Node>(InputFunctionChain.Of(graph), ReferenceEqualityComparer.Instance);
        foreach (Node n in graph.Nodes)
        {
            if (encoding.Contains(n))
            {
                if (n is not (ReshapeNode or IdentityNode))
                {
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                        "part of the input encoding: the encoder applies it to the data (stored with the network)"));
                }
                continue;
            }
            if (argmax.Contains(n))
            {
                findings.Add(new(n.Name, n.Op, PreflightSeverity.Note, ReadoutNote(n)));
                continue;
            }
            if (linear.Contains(n))
            {
                if (n is Conv2dNode or DenseNode or GlobalAvgPoolNode or Pool2dNode)
                {
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                        $"part of the linear readout: everything after '{tail[^1].Inputs[0].Name}' folds into one dense projection"));
                }
                continue;
            }
            if (Blocker(graph, n) is { } reason)
            {
                findings.Add(new(n.Name, n.Op, PreflightSeverity.Blocker, reason));
                continue;
            }
            switch (n)
            {
                case ClipNode c when c.Min != 0f:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Blocker,
                        $"clip with lower bound {c.Min:g4} ≠ 0: negative or offset activations cannot be firing rates"));
                    break;
                case ClipNode c when float.IsFinite(c.Max):
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                        $"clip(0, {c.Max:g4}) becomes an IF neuron saturating at {c.Max:g4}"));
                    break;
                case QuantizedClipNode q:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note, q.Levels is { } levels
                        ? $"quantized clip (QCFS, λ = {q.Lambda:g4}, L = {levels}) becomes IF neurons with threshold λ from the "
                            + $"model (no calibration) and initial membrane {q.Shift:g4}·λ"
                        : $"clip(0, {q.Lambda:g4}) becomes IF neurons with threshold λ = {q.Lambda:g4} from the model"));
                    break;
                case BatchNormNode bn:
                    Node producer = bn.Inputs[0];
                    bool foldable = producer is Conv2dNode or DenseNode { IsVector: true } && graph.ConsumerCount(producer) == 1;
                    findings.Add(foldable
                        ? new(n.Name, n.Op, PreflightSeverity.Note, $"folded into '{producer.Name}' (W′, b′)")
                        : new(n.Name, n.Op, PreflightSeverity.Note, "kept as a per-channel affine map folded into the next synapses"));
                    break;
                case IdentityNode:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note, "dropped (pass-through at inference)"));
                    break;
                case ActivationNode a when Converter.IsLeaky(a):
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note, $"becomes signed IF neurons whose negative branch has gain "
                        + $"{(a.Kind == ActivationKind.LeakyRelu ? $"α = {a.Alpha:g4}" : a.Describe())} (needs signed spikes, IF, "
                        + "reset by subtraction)"));
                    break;
                case Pool2dNode { Kind: PoolKind.Max }:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                        "max pooling becomes a winner-take-all (or spike-gated) circuit"));
                    break;
            }
        }

        foreach (Node n in graph.Nodes)
        {
            if (n is not (Conv2dNode or DenseNode)) continue;
            string? problem = FirstSignedConsumer(graph, n, readout);
            if (problem is not null)
            {
                findings.Add(new(n.Name, n.Op, PreflightSeverity.Blocker, problem));
            }
        }
        LayoutFindings(graph, findings, readout);
        return new PreflightReport(findings);
    }

    /// <summary>
    /// Transposes (notes where the layout passes remove them, blockers where they stay), padding (constant padding
    /// converts, copying modes do not) and transposed convolutions (stride 1 becomes a Conv, others do not convert).
    /// Nodes of the readout (folded into one dense projection) are left to it.
    /// </summary>
    private static void LayoutFindings(ModelGraph graph, List<PreflightFinding> findings, HashSet<Node> readout)
    {
        if (!graph.Nodes.Any(n => n is TransposeNode or PadNode or ConvTranspose2dNode)) return;
        var remaining = PassPipeline.Layout.Run(graph).Nodes.OfType<TransposeNode>().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        TransposeNode? inputLayout = AbsorbInputTransposePass.Absorbable(graph);
        foreach (Node n in graph.Nodes.Where(n => !readout.Contains(n)))
        {
            switch (n)
            {
                case TransposeNode when !remaining.Contains(n.Name):
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                        "cancels against another Transpose or folds into a Dense layer"));
                    break;
                case TransposeNode t when ReferenceEquals(inputLayout, t):
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                        $"becomes the input layout: the spiking network takes its input as [{string.Join(", ", t.OutputShape)}]"));
                    break;
                case TransposeNode t when t.Inputs[0] is InputNode:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Blocker,
                        $"the input is transposed ({t.Describe()}, e.g. NHWC → NCHW) and this does not fold away; the spiking "
                        + "network reads its input as given, so adapt the data layout (feed the data transposed) and drop it"));
                    break;
                case TransposeNode:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                        "a Transpose inside the network becomes a fixed selection: it reorders the rows of the dense synapses "
                        + "before it, or adds selection synapses (one per output)"));
                    break;
                case PadNode p when PadSynapses.Problem(p) is { } problem:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Blocker, problem));
                    break;
                case PadNode p:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note, p.Value == 0f
                        ? "zero padding becomes synapses that leave the padded cells without input"
                        : $"constant padding becomes synapses plus a bias of {p.Value:g4} on the padded cells"));
                    break;
                case ConvTranspose2dNode c when ConvTransposeToConvPass.EquivalentWindow(c) is null:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Blocker,
                        $"ConvTranspose: not yet convertible ({c.Window}); only stride 1 with pads within the kernel "
                        + "equals a Conv"));
                    break;
                case ConvTranspose2dNode c:
                    findings.Add(FirstSignedConsumer(graph, c, readout) is { } signed
                        ? new(n.Name, n.Op, PreflightSeverity.Blocker, signed)
                        : new(n.Name, n.Op, PreflightSeverity.Note, "stride 1: becomes the equivalent Conv (flipped kernel)"));
                    break;
            }
        }
    }

    /// <summary>
    /// Follows the signed output of a weighted layer through pass-through ops; returns why it reaches a consumer
    /// that needs a non-negative rate, or null if every path meets a ReLU or the output first.
    /// </summary>
    private static string? FirstSignedConsumer(ModelGraph graph, Node layer, HashSet<Node> readout)
    {
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<Node>();
        queue.Enqueue(layer);
        while (queue.Count > 0)
        {
            Node at = queue.Dequeue();
            if (at == graph.Output) continue;
            foreach (Node c in graph.ConsumersOf(at))
            {
                if (!seen.Add(c)) continue;
                switch (c)
                {
                    case ReluNode or ClipNode or QuantizedClipNode:
                    case ActivationNode when Converter.IsLeaky(c):
                    case ConstantNode:
                    case var _ when Converter.IsOperator(graph, c):
                        break;
                    case BatchNormNode or ScaleShiftNode or IdentityNode or AddNode or ReshapeNode or ConcatNode
                        or TransposeNode or PadNode or Pool2dNode { Kind: PoolKind.Max } or GatherNode
                        or BinaryNode { Kind: BinaryKind.Add }:
                        queue.Enqueue(c);
                        break;
                    case var _ when readout.Contains(c):
                        break;
                    default:
                        return $"its signed output reaches '{c.Name}' ({c.Op}) without a ReLU; "
                            + "spiking neurons can only carry non-negative rates";
                }
            }
        }
        return null;
    }

    private static string ReadoutNote(Node n) => n switch
    {
        ArgMaxNode => "part of the readout: the class is the argmax of the logits",
        _ => $"part of the readout: {n.Op} keeps the order of the outputs, so the class is the argmax either way",
    };

    /// <summary>Why a node that is not part of the readout cannot convert; null for the nodes conversion handles.</summary>
    private static string? Blocker(ModelGraph graph, Node n) => n switch
    {
        SoftmaxNode s when n == graph.Output => $"{n.Op} over part of the sample ({s.Describe()} of {s.OutputShape}) at the output: "
            + "dropping it would change the argmax over the whole output, and it has no spiking equivalent",
        SoftmaxNode s when !Converter.IsOperator(graph, s) => $"{n.Op} inside the network ({s.Describe()} of {s.OutputShape}): "
            + "the spike-equivalent softmax (an operator layer, docs/transformers.md) takes the last axis only, not a log-softmax",
        ArgMaxNode m when n == graph.Output && !m.CoversSample =>
            $"argmax over axis {m.Axis} of {m.Inputs[0].OutputShape} (part of the sample) at the output: "
            + "the readout is one class per sample",
        ArgMaxNode => "argmax inside the network has no spiking equivalent; only a final argmax (the readout) is supported",
        ActivationNode when ReadsInput(n) => $"{n.Op} of the input itself (before any weights) is part of the input encoding, "
            + "which the encoder takes only as a chain of element-wise nodes that is the input's only consumer, with "
            + "per-channel parameters before any reshape; apply it to the data instead",
        ActivationNode when n == graph.Output => $"{n.Op} at the output is not one strictly increasing function, so dropping it "
            + "could change the argmax, and it has no spiking equivalent",
        ActivationNode when !Converter.IsLeaky(n) && !Converter.IsOperator(graph, n) =>
            $"{n.Op} inside the network: no spiking equivalent; IF neurons approximate ReLU",
        ClipNode c when c.Min > c.Max => $"clip with min {c.Min:g4} > max {c.Max:g4} outputs the constant {c.Max:g4} everywhere",
        ReduceNode { Kind: ReduceKind.Prod or ReduceKind.SumSquare } r =>
            $"{n.Op} over axes [{string.Join(", ", r.Axes)}] is not linear in its input: no spiking equivalent",
        BinaryNode { Kind: BinaryKind.Add } b when b.Inputs[0].OutputShape.Equals(b.Inputs[1].OutputShape) => null,
        BinaryNode b => $"{n.Op} of two activations ({b.Kind.ToString().ToLowerInvariant()}, element-wise) is not a weighted sum "
            + "of spikes; no spiking operator for it yet",
        LayerNormNode { Epsilon: 0f } => $"{n.Op} with ε = 0: the spike-equivalent LayerNorm needs ε > 0 (its running mean starts at "
            + "zero variance)",
        ReduceNode r => $"{n.Op} over axes [{string.Join(", ", r.Axes)}] of {r.Inputs[0].OutputShape}: no spiking equivalent yet "
            + "(a mean over the spatial axes of [C, H, W] is global average pooling, which converts)",
        RecurrentNode { Cell: RecurrentCell.Lstm or RecurrentCell.Gru } =>
            $"{n.Op}: its sigmoid/tanh gates multiply one activation by another (gate ⊙ state), which integrate-and-fire "
            + "neurons summing weighted spikes cannot compute; see docs/recurrent.md",
        RecurrentNode r when r.Activations.Any(a => a != RecurrentActivation.Relu) =>
            $"{n.Op} with {string.Join("/", r.Activations).ToLowerInvariant()}: IF neurons approximate ReLU; an RNN converts with "
            + "nonlinearity='relu' (retrain it so)",
        RecurrentNode r when r.Direction != RecurrentDirection.Forward =>
            $"{n.Op} ({r.Direction.ToString().ToLowerInvariant()}): a spiking network is presented one element after the other, so "
            + "a direction that reads later elements first cannot run; the executor runs it, conversion takes forward RNNs",
        RecurrentNode { InitialH: not null } r when r.InitialH.Any(v => v != 0f) =>
            $"{n.Op} with a non-zero initial state: the spiking hidden layer starts from rest; give it a zero initial_h",
        RecurrentNode => null,
        _ => null,
    };

    /// <summary>Whether the node reads the graph input itself, through reshapes and constant scaling only (no weights).</summary>
    private static bool ReadsInput(Node n)
    {
        Node at = n.Inputs[0];
        while (at is ReshapeNode or IdentityNode or ScaleShiftNode) at = at.Inputs[0];
        return at is InputNode;
    }
}
