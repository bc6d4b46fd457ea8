using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Passes;

/// <summary>
/// Folds a Transpose that is flattened into Dense layers into their weights: with f = flatten(t(x)) and
/// f[j] = x[s(j)], y = W·f = W′·flatten(x) where W′[:, s(j)] = W[:, j], i.e. each row of W is permuted back by the
/// inverse of t. The Transpose may reach the flatten through element-wise nodes (see <see cref="TransposeChain"/>).
/// Keras/TF CNNs exported in NHWC end their feature extractor with Transpose(0,2,3,1) → Flatten/Reshape → MatMul.
/// </summary>
public sealed class FoldTransposeIntoDensePass : IGraphPass
{
    public string Name => "fold-transpose-dense";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!graph.Nodes.Any(n => Foldable(graph, n) is not null)) return graph;
        var folded = new Dictionary<Node, TransposeNode>(ReferenceEqualityComparer.Instance); // flatten → the transpose it lost
        return GraphRewriter.Rebuild(graph, (n, inputs) =>
        {
            if (Foldable(graph, n) is { } above && TransposeChain.Rebuild(above, inputs[0]) is (Node chain, TransposeNode t))
            {
                folded[n] = t;
                return new ReshapeNode(n.Name, chain, n.OutputShape, n.Op);
            }
            if (n is DenseNode d && folded.TryGetValue(d.Inputs[0], out TransposeNode? lost))
            {
                return new DenseNode(d.Name, inputs[0], Permuted(d.Weight, lost), d.Bias);
            }
            return GraphRewriter.WithInputs(n, inputs);
        });
    }

    /// <summary>A flatten to a vector read only by Dense layers whose input comes from a Transpose; the transpose and chain.</summary>
    private static (TransposeNode Transpose, List<Node> Chain)? Foldable(ModelGraph graph, Node n) =>
        n is ReshapeNode { OutputShape.Rank: 1 } r && r != graph.Output && graph.ConsumersOf(r).All(c => c is DenseNode)
            && TransposeChain.Above(graph, r.Inputs[0]) is { } above
            ? above
            : null;

    /// <summary>W′ with each row permuted by the inverse of <paramref name="t"/>: W′[o, s(j)] = W[o, j].</summary>
    private static FloatTensor Permuted(FloatTensor w, TransposeNode t)
    {
        int outputs = w.Shape[0], inputs = w.Shape[1];
        var data = new float[w.Length];
        var inverse = TransposeChain.InverseOf(t);
        for (int o = 0; o < outputs; o++) inverse.Apply(w.Data.AsSpan(o * inputs, inputs), data.AsSpan(o * inputs, inputs));
        return new FloatTensor(w.Shape, data);
    }
}
