namespace Ann2Snn.Nir;

/// <summary>
/// A NIR graph: named nodes and directed edges (source's output feeds target's input; several edges into one node add up),
/// with optional metadata. The top level of a .nir file is one; a node of type "NIRGraph" holds a nested one.
/// </summary>
public sealed class NirGraph
{
    public NirGraph(IReadOnlyDictionary<string, NirNode> nodes, IReadOnlyList<(string Source, string Target)> edges,
        IReadOnlyDictionary<string, NirValue>? metadata = null)
    {
        Nodes = nodes;
        Edges = edges;
        Metadata = metadata ?? new Dictionary<string, NirValue>();
    }

    public IReadOnlyDictionary<string, NirNode> Nodes { get; }

    public IReadOnlyList<(string Source, string Target)> Edges { get; }

    public IReadOnlyDictionary<string, NirValue> Metadata { get; }

    public IEnumerable<string> Predecessors(string node) => Edges.Where(e => e.Target == node).Select(e => e.Source);

    public IEnumerable<string> Successors(string node) => Edges.Where(e => e.Source == node).Select(e => e.Target);
}
