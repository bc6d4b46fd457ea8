namespace Ann2Snn;

/// <summary>
/// One reason a model cannot be imported, shared by the nodes it names: an operator we do not map, a version of one
/// whose definition differs from those we implement, or an attribute value we refuse.
/// </summary>
/// <param name="Op">The ONNX operator type.</param>
/// <param name="Version">The operator version in effect (its since-version), or null when the whole operator is refused.</param>
/// <param name="Reason">What differs from what we implement, e.g. "spatial=0 (per-element statistics)".</param>
/// <param name="Nodes">The nodes it blocks, in graph order.</param>
public sealed record ModelBlocker(string Op, int? Version, string Reason, IReadOnlyList<string> Nodes)
{
    /// <summary>How many nodes list in a message before the rest are counted: the line stays short enough to read.</summary>
    public const int NodesShown = 3;

    /// <summary>"Op" or "Op-version", e.g. "BatchNormalization-7".</summary>
    public string Label => Version is { } v ? $"{Op}-{v}" : Op;

    public int Count => Nodes.Count;

    /// <summary>"Upsample ×2 (nodes 'up1', 'up2': deprecated since opset 10)": the blocker as one part of a message.</summary>
    public override string ToString()
    {
        string names = string.Join(", ", Nodes.Take(NodesShown).Select(n => $"'{n}'"));
        if (Nodes.Count > NodesShown) names += $" and {Nodes.Count - NodesShown} more";
        return $"{Label} ×{Count} ({(Count == 1 ? "node" : "nodes")} {names}: {Reason})";
    }
}
