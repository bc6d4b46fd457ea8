using Ann2Snn.Graph;

namespace Ann2Snn.Conversion;

/// <summary>Whether a graph can become a rate-coded SNN, and exactly why not.</summary>
public sealed record PreflightReport(IReadOnlyList<PreflightFinding> Findings)
{
    public bool Convertible => Findings.All(f => f.Severity != PreflightSeverity.Blocker);
    public IEnumerable<PreflightFinding> Blockers => Findings.Where(f => f.Severity == PreflightSeverity.Blocker);

    /// <summary>The finding of highest severity for a node, if any.</summary>
    public PreflightFinding? For(Node node) =>
        Findings.Where(f => f.Node == node.Name).OrderByDescending(f => f.Severity).FirstOrDefault();
}
