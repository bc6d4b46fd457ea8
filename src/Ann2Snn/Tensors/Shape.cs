using System.Collections;

namespace Ann2Snn.Tensors;

/// <summary>
/// The per-sample shape of a tensor (the batch dimension is implicit and dynamic):
/// <c>[C, H, W]</c> for feature maps, <c>[C, L]</c> for sequences, <c>[F]</c> for vectors. Immutable, compared by value.
/// </summary>
/// <remarks>
/// A sequence <c>[C, L]</c> (an ONNX <c>[N, C, L]</c> tensor: audio, time series) is a feature map one row high:
/// <see cref="Channels"/> = C, <see cref="Height"/> = 1, <see cref="Width"/> = L, so that Channels·Height·Width =
/// <see cref="Size"/> for every rank up to 3 and the 2-D windowed ops run it as <c>[C, 1, L]</c> (1-D convolution
/// and pooling are 2-D ones with a window one row high). A vector <c>[F]</c> is F channels of one element.
/// </remarks>
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

    /// <summary>Channels of a [C, H, W] or [C, L] shape (or features of a [F] shape).</summary>
    public int Channels => _dims[0];

    /// <summary>H of [C, H, W]; 1 for [C, L] and [F].</summary>
    public int Height => Rank == 3 ? _dims[1] : 1;

    /// <summary>W of [C, H, W], L of [C, L]; 1 for [F].</summary>
    public int Width => Rank switch { 3 => _dims[2], 2 => _dims[1], _ => 1 };

    /// <summary>Whether this is a feature map the windowed ops accept: [C, H, W], or [C, L] read as [C, 1, L].</summary>
    public bool IsSpatial => Rank is 2 or 3;

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
