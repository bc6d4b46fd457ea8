using System.Globalization;
using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>
/// Folds the chains that quantization-aware training exports around a Floor into one <see cref="QuantizedClipNode"/>
/// y = λ·clip(⌊x·L/λ + φ⌋ / L, 0, 1). A chain is the Floor with the scalar ScaleShift nodes (Mul, Div, Add, Sub by one
/// number) and exactly one Clip before and after it, each read only by the next. Composed, it is
/// y = γ·⌊α·x + β⌋ + δ with the Clip on x (before the Floor) or on y (after it), and it is QCFS when δ = 0, α·γ = 1,
/// φ = β ∈ [0, 1) and the Clip's bounds are [0, λ] in x or y: then L = α·λ. That covers the QCFS reference code's
/// x/λ → ·L → +½ → Floor → /L → Clip(0, 1) → ·λ, its clamp-first form x/λ → Clip(0, 1) → ·L → +½ → Floor → /L → ·λ,
/// and Clip(0, λ) → ·L/λ → +½ → Floor → ·λ/L, whatever the exporter made of the divisions. Before or after the Floor a
/// clip to [0, λ] gives the same function: for φ ∈ [0, 1) the levels of x ∈ [0, λ] are already 0…L.
/// <para>
/// A chain of that form with λ ≤ 0, or with L = α·λ not an integer within 10⁻⁴ relative, is refused with an
/// <see cref="InvalidModelException"/> naming the Floor. Any other Floor (no Clip at hand, other bounds, an offset)
/// is left as it is. Where a chain could be taken longer or shorter, the longest that is QCFS is folded.
/// </para>
/// </summary>
public sealed class FoldQuantizedClipPass : IGraphPass
{
    /// <summary>Relative tolerance for L being an integer and for α·γ = 1 (the exporter's reciprocals round).</summary>
    public const double Tolerance = 1e-4;

    public string Name => "fold-quantized-clip";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var claimed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var firsts = new Dictionary<Node, Match>(ReferenceEqualityComparer.Instance);
        foreach (ActivationNode floor in graph.Nodes.OfType<ActivationNode>().Where(a => a.Kind == ActivationKind.Floor))
        {
            if (claimed.Contains(floor) || Find(graph, floor) is not { } m || m.Chain.Any(claimed.Contains)) continue;
            claimed.UnionWith(m.Chain);
            firsts[m.Chain[0]] = m;
        }
        if (firsts.Count == 0) return graph;
        return GraphRewriter.Rebuild(graph, (n, inputs) =>
        {
            if (firsts.TryGetValue(n, out Match? m)) return new QuantizedClipNode(m.Floor.Name, inputs[0], m.Lambda, m.Levels, m.Shift);
            return claimed.Contains(n) ? inputs[0] : GraphRewriter.WithInputs(n, inputs);
        });
    }

    /// <summary>A chain to fold: its nodes in order (the Floor among them) and the QCFS parameters read from it.</summary>
    private sealed record Match(ActivationNode Floor, Node[] Chain, float Lambda, int Levels, float Shift);

    /// <summary>The longest chain around <paramref name="floor"/> that is QCFS, or null; throws for one with a bad λ or L.</summary>
    private static Match? Find(ModelGraph graph, ActivationNode floor)
    {
        List<Node> before = [], after = [];
        for (Node at = floor.Inputs[0]; IsLink(at) && graph.ConsumerCount(at) == 1; at = at.Inputs[0]) before.Insert(0, at);
        for (Node at = floor; at != graph.Output && graph.ConsumerCount(at) == 1;)
        {
            Node next = graph.ConsumersOf(at).First();
            if (!IsLink(next)) break;
            after.Add(next);
            at = next;
        }
        for (int length = before.Count + after.Count; length >= 1; length--)
        {
            for (int i = Math.Min(length, before.Count); i >= Math.Max(0, length - after.Count); i--)
            {
                Node[] pre = [.. before.Skip(before.Count - i)], post = [.. after.Take(length - i)];
                if (Parameters(floor, pre, post) is { } p) return new Match(floor, [.. pre, floor, .. post], p.Lambda, p.Levels, p.Shift);
            }
        }
        return null;
    }

    private static bool IsLink(Node n) => n is ClipNode || n is ScaleShiftNode { Scale.Length: 1, Shift.Length: 1 };

    /// <summary>λ, L and φ when pre → Floor → post is QCFS (throwing when its λ or L is bad), null when it is not.</summary>
    private static (float Lambda, int Levels, float Shift)? Parameters(ActivationNode floor, Node[] pre, Node[] post)
    {
        if (pre.Concat(post).Count(n => n is ClipNode) != 1) return null;
        (double alpha, double beta, (double Lo, double Hi)? bounds) = Compose(pre, inverse: true);
        (double gamma, double delta, (double Lo, double Hi)? postBounds) = Compose(post, inverse: false);
        (double lo, double hi) = bounds ?? postBounds!.Value;
        double scale = Math.Max(Math.Abs(lo), Math.Abs(hi));
        bool zeroLow = Math.Abs(lo) <= 1e-7 * scale, zeroHigh = Math.Abs(hi) <= 1e-7 * scale;
        if (!(Math.Abs(alpha * gamma - 1) <= Tolerance) || !(Math.Abs(delta) <= 1e-6 * Math.Abs(gamma))
            || !(beta >= 0 && beta < 1) || zeroLow == zeroHigh)
        {
            return null;
        }
        double lambda = zeroLow ? hi : lo;
        string where = $"node '{floor.Name}' (Floor): the quantized clip (QCFS) pattern {Describe(pre, post)}";
        if (!(lambda > 0) || !double.IsFinite(lambda))
        {
            throw new InvalidModelException($"{where} has upper bound λ = {Text(lambda)}; λ must be positive");
        }
        // A Clip with min > max outputs max everywhere: no quantizer, whatever the bounds look like.
        ClipNode clip = pre.Concat(post).OfType<ClipNode>().Single();
        if (clip.Min > clip.Max) return null;
        double levels = alpha * lambda;
        double rounded = Math.Round(levels);
        if (!(rounded >= 1 && rounded <= int.MaxValue && Math.Abs(levels - rounded) <= Tolerance * rounded))
        {
            throw new InvalidModelException($"{where} has L = {Text(levels)} levels (the scale before the Floor × λ = "
                + $"{Text(alpha)} × {Text(lambda)}); L must be a positive integer (within 1e-4)");
        }
        // A bound read back through a division (a Clip(0, 1) after x·(1/λ)) is λ only up to rounding; then the scale
        // after the Floor, λ/L as the exporter multiplied it out, gives λ as written.
        if (bounds is not null && pre.TakeWhile(n => n is not ClipNode).Any()) lambda = gamma * rounded;
        return ((float)lambda, (int)rounded, (float)beta);
    }

    /// <summary>
    /// The affine map a·v + b of a chain of scalar ScaleShift nodes and the bounds of its one Clip, if it holds one:
    /// mapped back to the chain's input (<paramref name="inverse"/>, for the chain before the Floor: the map up to the
    /// Clip, inverted) or forward to its output (the map after the Clip). A Clip commutes with an affine map that way,
    /// its bounds swapping under a negative scale.
    /// </summary>
    private static (double A, double B, (double Lo, double Hi)? Bounds) Compose(Node[] chain, bool inverse)
    {
        (double a, double b) = Affine(chain);
        int clipAt = Array.FindIndex(chain, n => n is ClipNode);
        if (clipAt < 0) return (a, b, null);
        var clip = (ClipNode)chain[clipAt];
        (double ca, double cb) = Affine(inverse ? chain[..clipAt] : chain[(clipAt + 1)..]);
        double lo = inverse ? (clip.Min - cb) / ca : ca * clip.Min + cb;
        double hi = inverse ? (clip.Max - cb) / ca : ca * clip.Max + cb;
        return (a, b, ca < 0 ? (hi, lo) : (lo, hi));
    }

    /// <summary>The composition a·v + b of the ScaleShift nodes of a chain, in order.</summary>
    private static (double A, double B) Affine(IEnumerable<Node> chain)
    {
        double a = 1, b = 0;
        foreach (ScaleShiftNode s in chain.OfType<ScaleShiftNode>())
        {
            a *= s.Scale[0];
            b = b * s.Scale[0] + s.Shift[0];
        }
        return (a, b);
    }

    private static string Describe(Node[] pre, Node[] post) =>
        string.Join(" → ", pre.Select(n => n.Op).Append("Floor").Concat(post.Select(n => n.Op)));

    private static string Text(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
