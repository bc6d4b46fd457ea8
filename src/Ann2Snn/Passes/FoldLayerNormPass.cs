using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Passes;

/// <summary>
/// Folds LayerNorm as exporters write it below opset 17 back into one <see cref="LayerNormNode"/>:
/// μ = ReduceMean(x) → d = x − μ → d² (Pow 2) → ReduceMean → + ε → Sqrt → d / √(σ² + ε), then optionally the ScaleShift
/// nodes of γ and β (Mul, Add). Both means run over the same trailing axes with keepdims, and every inner node is read
/// only inside the pattern (d by the Pow and the Div). γ and β, broadcast over the sample by the importer, must repeat
/// with the period of the normalized block (one γᵢ, βᵢ per normalized element, as LayerNorm has them). Anything else
/// stays as it is, and executes node by node.
/// </summary>
public sealed class FoldLayerNormPass : IGraphPass
{
    public string Name => "fold-layer-norm";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var claimed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var lasts = new Dictionary<Node, Match>(ReferenceEqualityComparer.Instance);
        foreach (ReduceNode mean in graph.Nodes.OfType<ReduceNode>())
        {
            if (claimed.Contains(mean) || Find(graph, mean) is not { } m || m.Chain.Any(claimed.Contains)) continue;
            claimed.UnionWith(m.Chain);
            lasts[m.Chain[^1]] = m;
        }
        if (lasts.Count == 0) return graph;
        return GraphRewriter.Rebuild(graph, (n, inputs) =>
        {
            if (lasts.TryGetValue(n, out Match? m)) return new LayerNormNode(n.Name, inputs[0], m.FirstAxis, m.Epsilon, m.Scale, m.Bias);
            return claimed.Contains(n) ? inputs[0] : GraphRewriter.WithInputs(n, inputs);
        });
    }

    /// <summary>A pattern to fold: its nodes (the input's first reader first, the last γ/β node last) and the parameters.</summary>
    private sealed record Match(Node[] Chain, int FirstAxis, float Epsilon, float[] Scale, float[] Bias);

    private static Match? Find(ModelGraph graph, ReduceNode mean)
    {
        Node x = mean.Inputs[0];
        Shape shape = x.OutputShape;
        if (!IsTrailingMean(mean, shape) || Sole(graph, mean) is not BinaryNode { Kind: BinaryKind.Sub } sub
            || sub.Inputs[0] != x || sub.Inputs[1] != mean || graph.ConsumerCount(sub) != 2 || sub == graph.Output)
        {
            return null;
        }
        var readers = graph.ConsumersOf(sub).ToList();
        if (readers.OfType<ActivationNode>().SingleOrDefault() is not { Kind: ActivationKind.Pow, Alpha: 2f } square
            || readers.OfType<BinaryNode>().SingleOrDefault() is not { Kind: BinaryKind.Div } div
            || div.Inputs[0] != sub
            || Sole(graph, square) is not ReduceNode variance || variance.Axes.SequenceEqual(mean.Axes) is false || !variance.KeepDims
            || Sole(graph, variance) is not ScaleShiftNode { Scale: [1f], Shift: [var epsilon] } addEpsilon || !(epsilon >= 0)
            || Sole(graph, addEpsilon) is not ActivationNode { Kind: ActivationKind.Sqrt } sqrt
            || Sole(graph, sqrt) != div || div.Inputs[1] != sqrt)
        {
            return null;
        }
        int first = mean.Axes[0];
        int n = AxisBlock.Of(shape, first, shape.Rank - 1).Length;
        var chain = new List<Node> { mean, sub, square, variance, addEpsilon, sqrt, div };
        // y = q·a + b over the whole sample, composed from the ScaleShift nodes after the Div.
        var a = Enumerable.Repeat(1f, shape.Size).ToArray();
        var b = new float[shape.Size];
        for (Node at = div; at != graph.Output && Sole(graph, at) is ScaleShiftNode s;)
        {
            for (int i = 0; i < shape.Size; i++)
            {
                float sa = Pick(s.Scale, i, shape), sb = Pick(s.Shift, i, shape);
                a[i] *= sa;
                b[i] = (b[i] * sa) + sb;
            }
            chain.Add(s);
            at = s;
        }
        if (Periodic(a, n) is not { } scale || Periodic(b, n) is not { } bias) return null;
        return new Match([.. chain], first, epsilon, scale, bias);
    }

    /// <summary>A mean over the axes first..last of <paramref name="shape"/>, keeping them.</summary>
    private static bool IsTrailingMean(ReduceNode r, Shape shape) =>
        r.Kind == ReduceKind.Mean && r.KeepDims && r.Axes.Count > 0 && r.Axes[^1] == shape.Rank - 1
        && r.Axes.Select((axis, i) => axis == r.Axes[0] + i).All(ok => ok);

    /// <summary>The one reader of <paramref name="n"/>, or null when it has several or is the graph output.</summary>
    private static Node? Sole(ModelGraph graph, Node n) =>
        n != graph.Output && graph.ConsumerCount(n) == 1 ? graph.ConsumersOf(n).First() : null;

    /// <summary>Element <paramref name="i"/> of a ScaleShift parameter of 1, C (per channel) or every element.</summary>
    private static float Pick(float[] v, int i, Shape shape) =>
        v.Length == 1 ? v[0] : v.Length == shape.Size ? v[i] : v[i / (shape.Size / shape.Channels)];

    /// <summary>The first <paramref name="n"/> values when the whole repeats them (one value when all are equal), else null.</summary>
    private static float[]? Periodic(float[] v, int n)
    {
        for (int i = n; i < v.Length; i++)
        {
            if (v[i] != v[i - n]) return null;
        }
        return v.Take(n).All(e => e == v[0]) ? [v[0]] : v[..n];
    }
}
