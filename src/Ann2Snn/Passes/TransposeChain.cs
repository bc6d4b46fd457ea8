using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Passes;

/// <summary>
/// A Transpose followed by a chain of element-wise nodes, each read only by the next: the transpose-folding passes
/// move the Transpose below such a chain by rebuilding the chain in the layout before the transpose. Relu, Clip,
/// QuantizedClip and Identity do not care about the layout; a per-channel or per-element ScaleShift or BatchNorm has
/// its constants re-laid out (a per-channel one stays per channel when the channel axis stays first).
/// </summary>
internal static class TransposeChain
{
    /// <summary>Nodes a transpose can move below.</summary>
    public static bool IsElementwise(Node n) =>
        n is ReluNode or ClipNode or QuantizedClipNode or IdentityNode or ScaleShiftNode or BatchNormNode;

    /// <summary>
    /// Walks up from <paramref name="input"/> (the node the pass looks at reads it) through element-wise nodes read
    /// only once; returns the Transpose at the top and the chain, top first, or null when there is no such transpose.
    /// </summary>
    public static (TransposeNode Transpose, List<Node> Chain)? Above(ModelGraph graph, Node input)
    {
        var chain = new List<Node>();
        Node at = input;
        while (IsElementwise(at) && graph.ConsumerCount(at) == 1)
        {
            chain.Add(at);
            at = at.Inputs[0];
        }
        if (at is not TransposeNode t) return null;
        chain.Reverse();
        return (t, chain);
    }

    /// <summary>
    /// The rewritten counterpart of <paramref name="above"/>'s chain ending at <paramref name="rewritten"/> (what
    /// the rewriter made of the chain's last node): rebuilt on the rewritten transpose's input in the layout before
    /// it. Null when the rewritten nodes no longer have the chain's structure (another rewrite of this round touched
    /// them; a later round of the pipeline retries).
    /// </summary>
    public static (Node Output, TransposeNode Transpose)? Rebuild((TransposeNode Transpose, List<Node> Chain) above, Node rewritten)
    {
        var rewrittenChain = new Node[above.Chain.Count];
        Node at = rewritten;
        for (int i = above.Chain.Count - 1; i >= 0; i--)
        {
            if (at.GetType() != above.Chain[i].GetType() || at.Name != above.Chain[i].Name) return null;
            rewrittenChain[i] = at;
            at = at.Inputs[0];
        }
        if (at is not TransposeNode t || t.Name != above.Transpose.Name) return null;
        Node output = t.Inputs[0];
        foreach (Node e in rewrittenChain) output = Relaid(e, output, t);
        return (output, t);
    }

    /// <summary>
    /// Element-wise node <paramref name="e"/>, which reads the output of <paramref name="t"/>, rebuilt to read
    /// <paramref name="input"/>: a tensor in the layout of t's input.
    /// </summary>
    private static Node Relaid(Node e, Node input, TransposeNode t) => e switch
    {
        ReluNode => new ReluNode(e.Name, input),
        ClipNode c => new ClipNode(c.Name, input, c.Min, c.Max),
        QuantizedClipNode q => new QuantizedClipNode(q.Name, input, q.Lambda, q.Levels, q.Shift),
        IdentityNode i => new IdentityNode(i.Name, input, i.Op),
        ScaleShiftNode s => new ScaleShiftNode(s.Name, input, Relaid(s.Scale, t), Relaid(s.Shift, t), s.Op),
        BatchNormNode b when t.Permutation[0] == 0 => new BatchNormNode(b.Name, input, b.Scale, b.Bias, b.Mean, b.Variance, b.Epsilon),
        BatchNormNode b => RelaidBatchNorm(b, input, t),
        _ => throw new InvalidOperationException($"node '{e.Name}' ({e.Op}) is not element-wise"),
    };

    private static ScaleShiftNode RelaidBatchNorm(BatchNormNode b, Node input, TransposeNode t)
    {
        var (a, c) = b.Affine();
        return new ScaleShiftNode(b.Name, input, Relaid(a, t), Relaid(c, t), b.Op);
    }

    /// <summary>
    /// A broadcast vector over t's output (1, C or all values) as one over t's input: a scalar as is, a per-channel
    /// vector as is when t keeps the channel axis first, else expanded and permuted back (y = t(x) element for element).
    /// </summary>
    private static float[] Relaid(float[] v, TransposeNode t)
    {
        Shape after = t.OutputShape;
        if (v.Length == 1 || (v.Length == after.Channels && v.Length != after.Size && t.Permutation[0] == 0)) return v;
        int plane = after.Size / after.Channels;
        var full = new float[after.Size];
        for (int i = 0; i < full.Length; i++) full[i] = ChannelBroadcast.At(v, i, plane, after.Size);
        var before = new float[after.Size];
        InverseOf(t).Apply(full, before);
        return before;
    }

    /// <summary>The permutation undoing <paramref name="t"/>, over t's output dims (it maps data laid out after t to before t).</summary>
    public static Transpose InverseOf(TransposeNode t)
    {
        var inverse = new int[t.Permutation.Count];
        for (int i = 0; i < inverse.Length; i++) inverse[t.Permutation[i]] = i;
        return new Transpose(t.OutputShape.ToArray(), inverse);
    }
}
