namespace Ann2Snn.Snn;

internal sealed class ProjectionEntry
{
    public required int Source { get; init; }
    public required List<OpEntry> Ops { get; init; }

    /// <summary>Steps of conduction delay (format 3); absent for 0.</summary>
    public int? Delay { get; init; }
}
