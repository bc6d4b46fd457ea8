namespace Ann2Snn.Snn;

/// <summary>A synaptic op: <c>kind</c> is <see cref="SynapticOp.Kind"/>; the members used depend on it.</summary>
internal sealed class OpEntry
{
    public required string Kind { get; init; }
    public required int[] InputShape { get; init; }
    public required int[] OutputShape { get; init; }

    // dense, token_dense, conv
    public BlobRef? Weight { get; init; }

    // conv, avgpool
    public WindowEntry? Window { get; init; }

    // conv
    public int? Groups { get; init; }

    // avgpool
    public bool? CountIncludePad { get; init; }

    // scale
    public BlobRef? Scale { get; init; }

    // concat
    public int? ChannelOffset { get; init; }

    // select (format 5): the input element each output element copies
    public int[]? Map { get; init; }
}
