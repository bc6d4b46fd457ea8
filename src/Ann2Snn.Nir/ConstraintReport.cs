using Ann2Snn.Export;

namespace Ann2Snn.Nir;

/// <summary>A network against a chip: per-layer verdicts, whole-network problems, and caveats (what NIR states only in metadata).</summary>
public sealed record ConstraintReport(HardwareTarget Target, IReadOnlyList<LayerVerdict> Layers, IReadOnlyList<string> NetworkProblems,
    IReadOnlyList<string> Notes)
{
    public bool Passes => NetworkProblems.Count == 0 && Layers.All(l => l.Problems.Count == 0);

    /// <summary>Every problem, one line each, prefixed with its layer.</summary>
    public IEnumerable<string> AllProblems =>
        Layers.SelectMany(l => l.Problems.Select(p => $"layer '{l.Name}': {p}")).Concat(NetworkProblems);
}
