namespace Ann2Snn.Snn;

/// <summary>
/// One step of an <see cref="InputFunction"/>: its kind and parameter lists (see <see cref="InputFunctionKind"/> for which
/// each kind takes). <see cref="InputFunction"/> checks them.
/// </summary>
public sealed record InputFunctionStep(InputFunctionKind Kind, IReadOnlyList<float[]> Parameters)
{
    /// <summary>A step without parameters.</summary>
    public InputFunctionStep(InputFunctionKind kind) : this(kind, [])
    {
    }

    public bool Equals(InputFunctionStep? other) =>
        other is not null && Kind == other.Kind && Parameters.Count == other.Parameters.Count
        && Parameters.Zip(other.Parameters).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    public override int GetHashCode() => HashCode.Combine(Kind, Parameters.Count);
}
