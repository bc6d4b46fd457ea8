namespace Ann2Snn.Snn;

/// <summary>An operand of an operator layer (format 4): its shape and its projections.</summary>
internal sealed class OperandEntry
{
    public required int[] Shape { get; init; }
    public required List<ProjectionEntry> Projections { get; init; }
}
