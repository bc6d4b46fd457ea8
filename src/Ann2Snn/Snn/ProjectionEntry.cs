namespace Ann2Snn.Snn;

internal sealed class ProjectionEntry
{
    public required int Source { get; init; }
    public required List<OpEntry> Ops { get; init; }
}
