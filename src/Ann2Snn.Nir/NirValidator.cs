namespace Ann2Snn.Nir;

/// <summary>
/// Checks a NIR graph as the reference reader does, and a little more: known node types and fields, field dtypes and
/// ranks, neuron parameters of one shape, every edge between nodes of the graph carrying one shape (the source's output
/// type equal to the target's input type, inferred from the Input nodes as NIR_FORMAT.md §5 says), at least one Input and
/// one Output, and no cycle without a Delay. Convolution and pooling sizes follow PyTorch. Every problem is an
/// <see cref="InvalidModelException"/> (an unknown type an <see cref="UnsupportedOperatorException"/>) naming the node or edge.
/// </summary>
public static class NirValidator
{
    /// <summary>Largest nesting of subgraphs accepted.</summary>
    public const int MaxDepth = 8;

    /// <summary>Checks <paramref name="graph"/> and returns each node's (input, output) shape.</summary>
    public static IReadOnlyDictionary<string, (int[] In, int[] Out)> Validate(NirGraph graph, string where = "graph", int depth = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (depth > MaxDepth) ThrowHelper.InvalidModel($"{where}: subgraphs nested deeper than {MaxDepth}");
        foreach (var (name, node) in graph.Nodes) CheckFields($"{where}: node '{Quote(name)}' ({Quote(node.Type)})", node);
        foreach (var (s, t) in graph.Edges)
        {
            if (!graph.Nodes.ContainsKey(s) || !graph.Nodes.ContainsKey(t))
            {
                ThrowHelper.InvalidModel($"{where}: edge '{Quote(s)}' → '{Quote(t)}' names a node the graph does not have "
                    + $"('{Quote(graph.Nodes.ContainsKey(s) ? t : s)}')");
            }
        }
        if (!graph.Nodes.Values.Any(n => n.Type == "Input")) ThrowHelper.InvalidModel($"{where}: no Input node");
        if (!graph.Nodes.Values.Any(n => n.Type == "Output")) ThrowHelper.InvalidModel($"{where}: no Output node");
        CheckCycles(graph, where);
        var types = new Dictionary<string, (int[] In, int[] Out)>(StringComparer.Ordinal);
        // Nodes whose types follow from their own parameters first; then pooling and Flatten from upstream, until nothing changes.
        foreach (var (name, node) in graph.Nodes)
        {
            if (OwnType(name, node, where, depth) is { } t) types[name] = t;
        }
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var (name, node) in graph.Nodes)
            {
                if (types.ContainsKey(name)) continue;
                string? source = graph.Predecessors(name).FirstOrDefault(types.ContainsKey);
                if (source is null) continue;
                types[name] = UpstreamType($"{where}: node '{Quote(name)}' ({node.Type})", node, types[source].Out);
                changed = true;
            }
        }
        foreach (var (name, node) in graph.Nodes)
        {
            if (!types.ContainsKey(name)) ThrowHelper.InvalidModel($"{where}: node '{Quote(name)}' ({node.Type}): its input shape cannot "
                + $"be "
                + "inferred (no path from an Input)");
        }
        foreach (var (s, t) in graph.Edges)
        {
            int[] from = types[s].Out, to = types[t].In;
            if (!from.AsSpan().SequenceEqual(to))
            {
                ThrowHelper.InvalidModel($"{where}: edge '{Quote(s)}' → '{Quote(t)}': '{Quote(s)}' delivers {Show(from)}, "
                    + $"'{Quote(t)}' takes {Show(to)}");
            }
        }
        return types;
    }

    public static string Show(int[] shape) => $"({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")})";

    internal static string Quote(string text) => ThrowHelper.Printable(text, 80);

    private static void CheckFields(string where, NirNode node)
    {
        if (!NirSchema.IsKnown(node.Type))
        {
            ThrowHelper.Unsupported($"{where}: unknown NIR node type; NIR 1.0 knows {NirSchema.Names}");
        }
        if (node.Type == NirSchema.Graph)
        {
            if (node.Subgraph is null) ThrowHelper.InvalidModel($"{where}: a NIRGraph node needs its nodes and edges");
            return;
        }
        foreach (var (field, value) in node.Fields)
        {
            if (!NirSchema.IsField(node.Type, field)) ThrowHelper.InvalidModel($"{where}: unknown field '{Quote(field)}'");
            bool text = value.Strings is not null;
            if (NirSchema.IsIntegerField(node.Type, field))
            {
                if (value.Integers is null && !(field == "padding" && text && value.IsScalar))
                {
                    ThrowHelper.InvalidModel($"{where}: field '{field}' is {value}, expected integers");
                }
            }
            else if (value.Floats is null)
            {
                ThrowHelper.InvalidModel($"{where}: field '{field}' is {value}, expected floats");
            }
            else if (value.Floats.Any(x => double.IsNaN(x)))
            {
                ThrowHelper.InvalidModel($"{where}: field '{field}' holds NaN");
            }
        }
        foreach (string field in NirSchema.Required(node.Type))
        {
            if (!node.Fields.ContainsKey(field)) ThrowHelper.InvalidModel($"{where}: required field '{field}' is missing");
        }
        if (NirSchema.IsElementwise(node.Type))
        {
            var (first, value) = node.Fields.First();
            if (value.IsScalar) ThrowHelper.InvalidModel($"{where}: field '{first}' is a scalar; NIR needs at least one axis");
            foreach (var (field, other) in node.Fields)
            {
                if (!other.Shape.AsSpan().SequenceEqual(value.Shape))
                {
                    ThrowHelper.InvalidModel($"{where}: field '{field}' has shape {Show(other.Shape)}, '{first}' {Show(value.Shape)}; "
                        + "a node's parameters share one shape");
                }
            }
        }
    }

    private static (int[] In, int[] Out)? OwnType(string name, NirNode node, string where, int depth)
    {
        string at = $"{where}: node '{Quote(name)}' ({node.Type})";
        switch (node.Type)
        {
            case "Input":
            case "Output":
                {
                    int[] shape = Ints(at, node, "shape", rank1: true);
                    if (shape.Length == 0
                        || shape.Any(d => d <= 0)) ThrowHelper.InvalidModel($"{at}: shape {Show(shape)} needs positive sizes");
                    return (shape, shape);
                }
            case "Affine":
            case "Linear":
                {
                    NirValue w = node.Fields["weight"];
                    if (w.Shape.Length != 2) ThrowHelper.InvalidModel($"{at}: weight has shape {Show(w.Shape)}, expected (out, in)");
                    if (node.Field("bias") is { } b && !b.Shape.AsSpan().SequenceEqual([w.Shape[0]]))
                    {
                        ThrowHelper.InvalidModel($"{at}: bias has shape {Show(b.Shape)}, expected ({w.Shape[0]},)");
                    }
                    return ([w.Shape[1]], [w.Shape[0]]);
                }
            case "Conv1d":
            case "Conv2d":
                {
                    NirConv conv = NirConv.Read(at, node);
                    return (conv.InputShape, conv.OutputShape);
                }
            case "Flatten":
                return node.Field("input_type") is null ? null : Flattened(at, node, Ints(at, node, "input_type", rank1: true));
            case "SumPool2d":
            case "AvgPool2d":
                return null;
            case NirSchema.Graph:
                {
                    NirGraph g = node.Subgraph!;
                    var inner = Validate(g, $"{where}: subgraph '{Quote(name)}'", depth + 1);
                    string[] inputs = [.. g.Nodes.Where(n => n.Value.Type == "Input").Select(n => n.Key)];
                    string[] outputs = [.. g.Nodes.Where(n => n.Value.Type == "Output").Select(n => n.Key)];
                    if (inputs.Length != 1 || outputs.Length != 1)
                    {
                        ThrowHelper.InvalidModel($"{at}: a subgraph needs exactly one Input and one Output as its ports");
                    }
                    return (inner[inputs[0]].In, inner[outputs[0]].Out);
                }
            default:
                {
                    int[] s = node.Fields.First().Value.Shape;
                    return (s, s);
                }
        }
    }

    private static (int[] In, int[] Out) UpstreamType(string at, NirNode node, int[] input) => node.Type switch
    {
        "Flatten" => Flattened(at, node, input),
        _ => (input, NirPool.Read(at, node).OutputShape(at, input)),
    };

    private static (int[] In, int[] Out) Flattened(string at, NirNode node, int[] input)
    {
        int rank = input.Length;
        int start = node.Field("start_dim") is { } s ? (int)Scalar(at, "start_dim", s) : 1;
        int end = node.Field("end_dim") is { } e ? (int)Scalar(at, "end_dim", e) : -1;
        if (start < 0) start += rank;
        if (end < 0) end += rank;
        if (start < 0 || end >= rank || start > end)
        {
            ThrowHelper.InvalidModel($"{at}: start_dim/end_dim do not fit an input of shape {Show(input)}");
        }
        long merged = 1;
        for (int i = start; i <= end; i++) merged *= input[i];
        if (merged > int.MaxValue) ThrowHelper.InvalidModel($"{at}: flattening {Show(input)} overflows");
        return (input, [.. input[..start], (int)merged, .. input[(end + 1)..]]);
    }

    internal static long Scalar(string at, string field, NirValue v)
    {
        if (v.Integers is not [long x]
            || !v.IsScalar) ThrowHelper.InvalidModel($"{at}: field '{field}' is {v}, expected an integer scalar");
        return v.Integers[0];
    }

    /// <summary>An integer field as int[]: a scalar gives one value unless <paramref name="rank1"/> demands an array.</summary>
    internal static int[] Ints(string at, NirNode node, string field, bool rank1 = false)
    {
        NirValue v = node.Fields[field];
        if (v.Integers is null || v.Shape.Length > 1 || (rank1 && v.Shape.Length != 1))
        {
            ThrowHelper.InvalidModel($"{at}: field '{field}' is {v}, expected {(rank1 ? "a 1-D integer array" : "integers")}");
        }
        return [.. v.Integers.Select(x => x is >= int.MinValue and <= int.MaxValue ? (int)x
            : ThrowHelper.InvalidModel<int>($"{at}: field '{field}': {x} is out of range"))];
    }

    /// <summary>Throws when a cycle passes through no Delay node (its timing would be undefined).</summary>
    private static void CheckCycles(NirGraph graph, string where)
    {
        // Depth-first search over the graph without its Delay nodes: a back edge is a cycle without a delay.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        foreach (string start in graph.Nodes.Keys)
        {
            if (graph.Nodes[start].Type == "Delay" || state.ContainsKey(start)) continue;
            Visit(start);
        }

        void Visit(string node)
        {
            state[node] = 1;
            stack.Add(node);
            foreach (string next in graph.Successors(node).Distinct())
            {
                if (graph.Nodes[next].Type == "Delay") continue;
                if (state.GetValueOrDefault(next) == 1)
                {
                    string[] cycle = [.. stack.Skip(stack.IndexOf(next)).Append(next).Select(Quote)];
                    ThrowHelper.InvalidModel($"{where}: cycle without a delay: {string.Join(" → ", cycle)}; "
                        + "a recurrent path needs a Delay node");
                }
                if (!state.ContainsKey(next)) Visit(next);
            }
            stack.RemoveAt(stack.Count - 1);
            state[node] = 2;
        }
    }
}
