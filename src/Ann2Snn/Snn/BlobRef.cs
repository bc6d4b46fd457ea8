namespace Ann2Snn.Snn;

/// <summary>A float32 array stored as the raw little-endian entry <see cref="Entry"/>, row-major with <see cref="Shape"/>.</summary>
internal sealed class BlobRef
{
    public required string Entry { get; init; }
    public required int[] Shape { get; init; }
}
