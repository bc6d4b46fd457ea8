namespace Ann2Snn.Onnx;

/// <summary>
/// A constant known at import time (initializer, Constant node, or a fold of those), with its full ONNX dims.
/// Floating-point data is held as <see cref="float"/>, integer data as <see cref="long"/> (shapes, axes, pads).
/// </summary>
internal sealed class ConstTensor
{
    private readonly float[]? _floats;
    private readonly long[]? _ints;

    private ConstTensor(string name, int[] dims, float[]? floats, long[]? ints)
    {
        Name = name;
        Dims = dims;
        _floats = floats;
        _ints = ints;
    }

    public static ConstTensor OfFloats(string name, int[] dims, float[] data) => new(name, dims, data, null);

    public static ConstTensor OfInts(string name, int[] dims, long[] data) => new(name, dims, null, data);

    public string Name { get; }
    public int[] Dims { get; }
    public int Rank => Dims.Length;
    public bool IsInteger => _ints is not null;
    public int Length => _floats?.Length ?? _ints!.Length;

    /// <summary>The values as floats (integer data converted).</summary>
    public float[] Floats => _floats ?? Array.ConvertAll(_ints!, v => (float)v);

    /// <summary>The values as integers, or null when the tensor holds floating-point data.</summary>
    public long[]? Ints => _ints;

    /// <summary>The same data under new dims (reshape, squeeze, unsqueeze of a constant); data order is unchanged.</summary>
    public ConstTensor WithDims(string name, int[] dims) => new(name, dims, _floats, _ints);

    public string DimsText => "[" + string.Join(", ", Dims) + "]";

    /// <summary>
    /// Stands for the batch size in integer data computed from a tensor's <c>Shape</c>: the batch is dynamic, so it is
    /// carried as a symbol through the ops that move integers around (Gather, Slice, Concat, Unsqueeze, …) until it
    /// reaches the first dim of a Reshape target, where it means "keep the batch".
    /// </summary>
    public const long BatchSize = long.MinValue + 1;

    /// <summary>An integer computed from <see cref="BatchSize"/> by arithmetic: known only at run time.</summary>
    public const long DependsOnBatchSize = long.MinValue + 2;

    /// <summary>Whether the data holds <see cref="BatchSize"/> or a value computed from it.</summary>
    public bool DependsOnBatch => _ints is { } ints && ints.AsSpan().ContainsAny(BatchSize, DependsOnBatchSize);

    /// <summary>Whether <paramref name="value"/> is <see cref="BatchSize"/> or a value computed from it.</summary>
    public static bool IsSymbolic(long value) => value is BatchSize or DependsOnBatchSize;
}
