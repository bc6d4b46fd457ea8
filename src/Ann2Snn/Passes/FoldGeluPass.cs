using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>
/// Folds the exact GELU as exporters write it, x · ½ · (1 + erf(x / √2)), back into one
/// <see cref="ActivationKind.Gelu"/> node: an Erf of x·(1/√2) (a scalar ScaleShift), then + 1, multiplied by x (a
/// <see cref="BinaryNode"/> Mul, either operand order) with the factor ½ as a scalar ScaleShift on x before the product
/// or on the product after it (PyTorch writes Div √2 → Erf → Add 1 → Mul x → Mul 0.5). Every inner node must be read
/// only inside the pattern; anything else stays as it is and executes node by node.
/// </summary>
public sealed class FoldGeluPass : IGraphPass
{
    /// <summary>Relative tolerance on 1/√2 and ½ (the exporter writes √2 as a float).</summary>
    public const double Tolerance = 1e-6;

    public string Name => "fold-gelu";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var claimed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var lasts = new Dictionary<Node, Node[]>(ReferenceEqualityComparer.Instance);
        foreach (ActivationNode erf in graph.Nodes.OfType<ActivationNode>().Where(a => a.Kind == ActivationKind.Erf))
        {
            if (Find(graph, erf) is not { } chain || chain.Any(claimed.Contains)) continue;
            claimed.UnionWith(chain);
            lasts[chain[^1]] = chain;
        }
        if (lasts.Count == 0) return graph;
        // Each claimed node stands for x (every chain's nodes read x through their first input), the last for GELU(x).
        return GraphRewriter.Rebuild(graph, (n, inputs) =>
        {
            if (lasts.ContainsKey(n)) return new ActivationNode(n.Name, Source(inputs), ActivationKind.Gelu);
            return claimed.Contains(n) ? Source(inputs) : GraphRewriter.WithInputs(n, inputs);
        });

        // A claimed Mul's operands both stand for x once rebuilt; any other claimed node has one input.
        static Node Source(IReadOnlyList<Node> inputs) => inputs[0];
    }

    /// <summary>The pattern's nodes ending in the one whose output is GELU(x), or null.</summary>
    private static Node[]? Find(ModelGraph graph, ActivationNode erf)
    {
        if (erf.Inputs[0] is not ScaleShiftNode { Scale: [var inv], Shift: [0f] } div || graph.ConsumerCount(div) != 1
            || !Near(inv, Math.Sqrt(0.5)) || Sole(graph, erf) is not ScaleShiftNode { Scale: [1f], Shift: [1f] } plusOne
            || Sole(graph, plusOne) is not BinaryNode { Kind: BinaryKind.Mul } product)
        {
            return null;
        }
        Node x = div.Inputs[0];
        Node other = product.Inputs[0] == plusOne ? product.Inputs[1] : product.Inputs[0];
        var chain = new List<Node> { div, erf, plusOne };
        double factor = 1;
        if (other is ScaleShiftNode { Scale: [var half], Shift: [0f] } pre && pre.Inputs[0] == x && graph.ConsumerCount(pre) == 1)
        {
            factor = half;
            chain.Insert(0, pre);
        }
        else if (other != x)
        {
            return null;
        }
        chain.Add(product);
        if (Sole(graph, product) is ScaleShiftNode { Scale: [var post], Shift: [0f] } after && Near(factor * post, 0.5))
        {
            chain.Add(after);
            factor *= post;
        }
        return Near(factor, 0.5) ? [.. chain] : null;
    }

    private static bool Near(double value, double target) => Math.Abs(value - target) <= Tolerance * target;

    private static Node? Sole(ModelGraph graph, Node n) =>
        n != graph.Output && graph.ConsumerCount(n) == 1 ? graph.ConsumersOf(n).First() : null;
}
