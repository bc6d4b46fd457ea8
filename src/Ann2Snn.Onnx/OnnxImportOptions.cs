namespace Ann2Snn.Onnx;

/// <summary>Options of <see cref="OnnxImporter"/>; the defaults suit every model of the zoo.</summary>
public sealed record OnnxImportOptions
{
    public static OnnxImportOptions Default { get; } = new();

    /// <summary>
    /// Largest initializer or constant accepted, in elements (default 2^28, 1 GiB of floats). A tensor whose dims
    /// claim more is refused before anything is allocated for it.
    /// </summary>
    public long MaxTensorElements { get; init; } = 1L << 28;

    /// <summary>
    /// Per-sample input shape ([C, H, W] or [F]) to use when the file leaves dimensions other than the batch dynamic.
    /// Dimensions the file does fix must agree with it. Null (the default) takes the shape from the file.
    /// </summary>
    public IReadOnlyList<int>? InputShape { get; init; }

    internal void Validate()
    {
        if (MaxTensorElements <= 0)
        {
            ThrowHelper.InvalidOption(nameof(MaxTensorElements), $"must be positive (got {MaxTensorElements})");
        }
        if (InputShape is not null && (InputShape.Count is not (1 or 3) || InputShape.Any(d => d <= 0)))
        {
            ThrowHelper.InvalidOption(nameof(InputShape),
                $"must be [C, H, W] or [F] with positive dims (got [{string.Join(", ", InputShape)}])");
        }
    }
}
