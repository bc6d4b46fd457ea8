using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>
/// Rebuilds an immutable graph bottom-up. The callback sees each node with its inputs already rewritten and
/// returns the node to use instead (itself, a copy, or one of its inputs to bypass it).
/// </summary>
public static class GraphRewriter
{
    /// <summary>The node that replaces <paramref name="original"/>, given its inputs as already rebuilt.</summary>
    public delegate Node Rewrite(Node original, IReadOnlyList<Node> newInputs);

    public static ModelGraph Rebuild(ModelGraph graph, Rewrite rewrite)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(rewrite);
        var map = new Dictionary<Node, Node>(ReferenceEqualityComparer.Instance);
        foreach (Node n in graph.Nodes)
        {
            Node[] inputs = n.Inputs.Select(i => map[i]).ToArray();
            map[n] = rewrite(n, inputs);
        }
        var input = (InputNode)map[graph.Input];
        return new ModelGraph(input, map[graph.Output], graph.Name);
    }

    /// <summary>A copy of <paramref name="node"/> reading <paramref name="inputs"/>; the node itself when they are unchanged.</summary>
    public static Node WithInputs(Node node, IReadOnlyList<Node> inputs)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == node.Inputs.Count && inputs.Select((n, i) => ReferenceEquals(n, node.Inputs[i])).All(x => x))
        {
            return node;
        }
        return node switch
        {
            InputNode => node,
            Conv2dNode c => new Conv2dNode(c.Name, inputs[0], c.Weight, c.Bias, c.Window, c.Groups),
            DenseNode d => new DenseNode(d.Name, inputs[0], d.Weight, d.Bias),
            BatchNormNode b => new BatchNormNode(b.Name, inputs[0], b.Scale, b.Bias, b.Mean, b.Variance, b.Epsilon),
            ReluNode r => new ReluNode(r.Name, inputs[0]),
            ClipNode c => new ClipNode(c.Name, inputs[0], c.Min, c.Max),
            QuantizedClipNode q => new QuantizedClipNode(q.Name, inputs[0], q.Lambda, q.Levels, q.Shift),
            Pool2dNode p => new Pool2dNode(p.Name, inputs[0], p.Kind, p.Window, p.CountIncludePad),
            GlobalAvgPoolNode g => new GlobalAvgPoolNode(g.Name, inputs[0]),
            ReshapeNode r => new ReshapeNode(r.Name, inputs[0], r.OutputShape, r.Op),
            ScaleShiftNode s => new ScaleShiftNode(s.Name, inputs[0], s.Scale, s.Shift, s.Op),
            AddNode a => new AddNode(a.Name, inputs[0], inputs[1]),
            ConcatNode c => new ConcatNode(c.Name, inputs),
            SoftmaxNode s => new SoftmaxNode(s.Name, inputs[0], s.Log, s.FirstAxis, s.LastAxis),
            ActivationNode a => new ActivationNode(a.Name, inputs[0], a.Kind, a.Alpha, a.Beta, a.Slope),
            ArgMaxNode m => new ArgMaxNode(m.Name, inputs[0], m.Axis, m.KeepDims, m.SelectLastIndex),
            ReduceNode r => new ReduceNode(r.Name, inputs[0], r.Kind, r.Axes, r.KeepDims),
            RecurrentNode r => new RecurrentNode(r.Name, inputs[0], r.Cell, r.Direction, r.Weight, r.Recurrence, r.Bias, r.InitialH,
                r.InitialC, r.Peepholes, [.. r.Activations], r.LinearBeforeReset),
            IdentityNode i => new IdentityNode(i.Name, inputs[0], i.Op),
            TransposeNode t => new TransposeNode(t.Name, inputs[0], [.. t.Permutation]),
            GatherNode g => new GatherNode(g.Name, inputs[0], g.Map.ToArray(), g.OutputShape, g.Op),
            PadNode p => new PadNode(p.Name, inputs[0], p.Mode, [.. p.Begin], [.. p.End], p.Value),
            ConvTranspose2dNode c => new ConvTranspose2dNode(c.Name, inputs[0], c.Weight, c.Bias, c.Window, c.Groups,
                c.OutputPaddingH, c.OutputPaddingW),
            BinaryNode b => new BinaryNode(b.Name, inputs[0], inputs[1], b.Kind),
            MatMulNode m => new MatMulNode(m.Name, inputs[0], inputs[1]),
            LayerNormNode l => new LayerNormNode(l.Name, inputs[0], l.FirstAxis, l.Epsilon, l.Scale, l.Bias),
            ConstantNode c => new ConstantNode(c.Name, inputs[0], c.OutputShape, c.Values),
            _ => throw new InvalidModelException($"node '{node.Name}' ({node.Op}): no rewrite rule for this node type"),
        };
    }
}
