using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// One input of an <see cref="OperatorLayer"/>: the tensor of <paramref name="Shape"/> whose value at step t is the sum of
/// <paramref name="Projections"/> applied to their sources' spikes (the current aₜ the operator accumulates).
/// </summary>
public sealed record Operand(Shape Shape, IReadOnlyList<Projection> Projections)
{
    /// <summary>At least one projection, each delivering <see cref="Shape"/>.</summary>
    public IReadOnlyList<Projection> Projections { get; init; } = Check(Shape, Projections);

    private static IReadOnlyList<Projection> Check(Shape shape, IReadOnlyList<Projection> projections)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(projections);
        if (projections.Count == 0) throw new InvalidModelException($"operand {shape}: an operand needs at least one projection");
        foreach (Projection p in projections)
        {
            if (!p.OutputShape.Equals(shape)) throw new InvalidModelException($"operand {shape}: a projection from {p.Source} "
                + $"delivers {p.OutputShape}");
        }
        return projections;
    }
}
