using Ann2Snn.Graph;

namespace Ann2Snn.Conversion;

/// <summary>
/// Checks a graph against what rate-coded conversion can express: every hidden weighted layer must reach a ReLU
/// (possibly through ops that commute with it or are affine and foldable), before any other weighted layer
/// or average pooling consumes its signed output; Softmax only at the output; Clip only with a lower bound of 0.
/// </summary>
public static class Preflight
{
    public static PreflightReport Check(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var findings = new List<PreflightFinding>();
        IReadOnlyList<Node> tail = LinearReadout.Tail(graph);
        var readout = new HashSet<Node>(LinearReadout.NeedsFold(tail) ? tail : [], ReferenceEqualityComparer.Instance);
        foreach (Node n in tail.Where(readout.Contains).Where(n => n is Conv2dNode or DenseNode or GlobalAvgPoolNode or Pool2dNode))
        {
            findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                $"part of the linear readout: everything after '{tail[^1].Inputs[0].Name}' folds into one dense projection"));
        }
        foreach (Node n in graph.Nodes)
        {
            switch (n)
            {
                case SoftmaxNode when n != graph.Output:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Blocker,
                        "softmax inside the network has no spiking equivalent; only a final softmax (read out as argmax) is supported"));
                    break;
                case SoftmaxNode:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note, "final softmax becomes an argmax readout"));
                    break;
                case ClipNode c when c.Min != 0f:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Blocker,
                        $"clip with lower bound {c.Min:g4} ≠ 0: negative or offset activations cannot be firing rates"));
                    break;
                case ClipNode c when float.IsFinite(c.Max):
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                        $"clip(0, {c.Max:g4}) becomes an IF neuron saturating at {c.Max:g4}"));
                    break;
                case BatchNormNode bn:
                    Node producer = bn.Inputs[0];
                    bool foldable = producer is Conv2dNode or DenseNode && graph.ConsumerCount(producer) == 1;
                    findings.Add(foldable
                        ? new(n.Name, n.Op, PreflightSeverity.Note, $"folded into '{producer.Name}' (W′, b′)")
                        : new(n.Name, n.Op, PreflightSeverity.Note, "kept as a per-channel affine map folded into the next synapses"));
                    break;
                case IdentityNode:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note, "dropped (pass-through at inference)"));
                    break;
                case Pool2dNode { Kind: PoolKind.Max }:
                    findings.Add(new(n.Name, n.Op, PreflightSeverity.Note,
                        "max pooling becomes a winner-take-all (or spike-gated) circuit"));
                    break;
            }
        }

        foreach (Node n in graph.Nodes)
        {
            if (n is not (Conv2dNode or DenseNode) || readout.Contains(n)) continue;
            string? problem = FirstSignedConsumer(graph, n);
            if (problem is not null)
            {
                findings.Add(new(n.Name, n.Op, PreflightSeverity.Blocker, problem));
            }
        }
        return new PreflightReport(findings);
    }

    /// <summary>
    /// Follows the signed output of a weighted layer through pass-through ops; returns why it reaches a consumer
    /// that needs a non-negative rate, or null if every path meets a ReLU or the output first.
    /// </summary>
    private static string? FirstSignedConsumer(ModelGraph graph, Node layer)
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
                    case ReluNode or ClipNode:
                        break;
                    case BatchNormNode or ScaleShiftNode or IdentityNode or AddNode or ReshapeNode or ConcatNode
                        or Pool2dNode { Kind: PoolKind.Max }:
                        queue.Enqueue(c);
                        break;
                    case SoftmaxNode when c == graph.Output:
                        break;
                    default:
                        return $"its signed output reaches '{c.Name}' ({c.Op}) without a ReLU; "
                            + "spiking neurons can only carry non-negative rates";
                }
            }
        }
        return null;
    }
}
