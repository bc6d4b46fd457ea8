namespace Ann2Snn.Snn;

/// <summary>A layer: <c>kind</c> is "neurons", "maxpool" or "readout" (<see cref="SpikingLayer.Kind"/>).</summary>
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
}
