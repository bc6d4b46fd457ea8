using System.Collections;

namespace Ann2Snn.Tensors;

/// <summary>
/// The per-sample shape of a tensor (the batch dimension is implicit and dynamic):
/// <c>[C, H, W]</c> for feature maps, <c>[F]</c> for vectors. Immutable, compared by value.
/// </summary>
public sealed class Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[] _dims;

    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long size = 1;
        foreach (int d in dims)
        {
            if (d <= 0)
            {
                throw new InvalidModelException($"shape [{string.Join(", ", dims)}]: every dimension must be positive");
            }
            size *= d;
            if (size > MaxElements)
            {
                throw new InvalidModelException($"shape [{string.Join(", ", dims)}]: {size}+ elements per sample "
                    + $"exceeds the limit of {MaxElements}");
            }
        }
        _dims = (int[])dims.Clone();
        Size = (int)size;
    }

    /// <summary>Largest per-sample tensor we accept (2^28 floats = 1 GiB).</summary>
    public const long MaxElements = 1L << 28;

    public int Rank => _dims.Length;
    public int Size { get; }
    public int Count => _dims.Length;
    public int this[int index] => _dims[index];

    /// <summary>Channels of a [C, H, W] shape (or features of a [F] shape).</summary>
    public int Channels => _dims[0];
    public int Height => Rank == 3 ? _dims[1] : 1;
    public int Width => Rank == 3 ? _dims[2] : 1;

    public int[] ToArray() => (int[])_dims.Clone();

    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);
    public override bool Equals(object? obj) => Equals(obj as Shape);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _dims.GetEnumerator();

    public override string ToString() => "[" + string.Join("×", _dims) + "]";
}
