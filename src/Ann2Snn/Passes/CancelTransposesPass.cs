using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>
/// Removes transposes that undo each other: a Transpose by q reading a Transpose by p (possibly through a chain of
/// element-wise nodes, see <see cref="TransposeChain"/>) is one Transpose by r with r[i] = p[q[i]], or nothing when r
/// is the identity; an identity Transpose is dropped. Keras/TF models exported in NHWC wrap each layout-sensitive op
/// in such pairs (…→ Transpose(0,2,3,1) → Relu → Transpose(0,3,1,2) →…).
/// </summary>
public sealed class CancelTransposesPass : IGraphPass
{
    public string Name => "cancel-transposes";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!graph.Nodes.Any(n => n is TransposeNode t && (t.IsIdentity || TransposeChain.Above(graph, t.Inputs[0]) is not null)))
        {
            return graph;
        }
        return GraphRewriter.Rebuild(graph, (n, inputs) => n is TransposeNode t ? Rewrite(graph, t, inputs[0])
            : GraphRewriter.WithInputs(n, inputs));
    }

    private static Node Rewrite(ModelGraph graph, TransposeNode outer, Node input)
    {
        if (outer.IsIdentity) return input;
        if (TransposeChain.Above(graph, outer.Inputs[0]) is not { } above
            || TransposeChain.Rebuild(above, input) is not (Node chain, TransposeNode inner))
        {
            return GraphRewriter.WithInputs(outer, [input]);
        }
        int[] composed = [.. outer.Permutation.Select(a => inner.Permutation[a])];
        var merged = new TransposeNode(outer.Name, chain, composed);
        return merged.IsIdentity ? chain : merged;
    }
}
