using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>The check before the import: every node against the op and version tables, all blockers reported at once.</summary>
internal sealed partial class GraphImporter
{
    /// <summary>The reason given for an op missing from <see cref="Ops"/>; the message then lists the ops we map.</summary>
    private const string NotSupported = "not supported";

    /// <summary>
    /// Refuses the model when any of <paramref name="nodes"/> has an op we do not map, follows a version of one we do
    /// not implement, or carries an attribute its version does not define or a value we refuse: one
    /// <see cref="UnsupportedOperatorException"/> lists them all, grouped by op, version and reason, in graph order.
    /// </summary>
    private void ThrowIfBlocked(List<NodeProto> nodes)
    {
        var found = new List<(string Op, int? Version, string Reason, string Node)>();
        foreach (NodeProto p in nodes)
        {
            foreach (var (version, reason) in BlockersOf(p)) found.Add((Text.Clean(p.OpType), version, reason, DisplayName(p)));
        }
        if (found.Count == 0) return;
        List<ModelBlocker> blockers = [.. found.GroupBy(f => (f.Op, f.Version, f.Reason))
            .Select(g => new ModelBlocker(g.Key.Op, g.Key.Version, g.Key.Reason, [.. g.Select(f => f.Node)]))];
        string message = $"{_file}: {found.Count} {(found.Count == 1 ? "blocker" : "blockers")}: {string.Join("; ", blockers)}";
        if (blockers.Any(b => b.Reason == NotSupported)) message += $"; supported ops: {SupportedOps}";
        throw new UnsupportedOperatorException(message, blockers);
    }

    /// <summary>
    /// What the tables say against node <paramref name="p"/>: each reason, with the version it concerns (null when it
    /// concerns the whole op).
    /// </summary>
    private IEnumerable<(int? Version, string Reason)> BlockersOf(NodeProto p)
    {
        if (p.Domain is not ("" or "ai.onnx"))
        {
            yield return (null, $"domain '{Text.Clean(p.Domain)}' is not supported (only ai.onnx)");
            yield break;
        }
        if (!Ops.TryGetValue(p.OpType, out var op))
        {
            yield return (null, Deprecated.TryGetValue(p.OpType, out var d) && _opset >= d.Opset
                ? $"deprecated since opset {d.Opset}; use {d.Successor}"
                : NotSupported);
            yield break;
        }
        OpHistory? history = Versions.GetValueOrDefault(p.OpType);
        OpVersion? version = history?.InEffect(_opset);
        if (history is not null && version is null)
        {
            yield return (null, $"not defined before opset {history.Versions[0].Since}");
            yield break;
        }
        if (version?.Refused is { } difference)
        {
            yield return (version.Since, difference);
            yield break;
        }
        OnnxNode n = Describe(p, unique: false);
        IReadOnlyList<string> known = version?.Attributes ?? op.Attributes;
        foreach (string name in n.AttributeNames.Where(a => !known.Contains(a)))
        {
            yield return (version?.Since, $"attribute '{Text.Clean(name)}' is not defined by {Text.Clean(p.OpType)}"
                + $"{(version is null ? "" : $"-{version.Since}")} (it has {(known.Count == 0 ? "none" : string.Join(", ", known))})");
        }
        foreach (AttributeRule rule in history?.Rules ?? [])
        {
            if (known.Contains(rule.Attribute) && rule.Refuses(n) is { } reason) yield return (version?.Since, reason);
        }
    }
}
