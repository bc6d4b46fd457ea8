namespace Ann2Snn.Snn;

/// <summary>A layer: <c>kind</c> is "neurons", "maxpool", "readout" or "operator" (<see cref="SpikingLayer.Kind"/>).</summary>
internal sealed class LayerEntry
{
    public required string Kind { get; init; }
    public required string Name { get; init; }
    public required int[] Shape { get; init; }

    // neurons
    public NeuronEntry? Neuron { get; init; }

    /// <summary>Neurons with a negative branch only (format 3): α, 1 value, one per channel or one per neuron.</summary>
    public BlobRef? NegativeGain { get; init; }

    // neurons, readout
    public BlobRef? Bias { get; init; }
    public List<ProjectionEntry>? Projections { get; init; }

    // maxpool
    public int? Source { get; init; }
    public int[]? InputShape { get; init; }
    public WindowEntry? Window { get; init; }
    public MaxPoolScheme? Scheme { get; init; }

    // operator (format 4): its name (softmax, layernorm, gelu, matmul), operands, and LayerNorm's axes, γ, β and ε
    public string? Operator { get; init; }
    public List<OperandEntry>? Operands { get; init; }
    public int? NormalizedAxes { get; init; }
    public BlobRef? Gamma { get; init; }
    public BlobRef? Beta { get; init; }
    public float? Epsilon { get; init; }
}
