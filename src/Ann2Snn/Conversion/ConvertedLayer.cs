using Ann2Snn.Tensors;

namespace Ann2Snn.Conversion;

/// <summary>One population of the converted network and how it was scaled.</summary>
public sealed record ConvertedLayer(string Name, string Kind, string FromNode, Shape Shape, float Scale, float Threshold)
{
    /// <summary>
    /// A population of neurons: the ANN value one spike stands for (λ/s), one value for the layer or one per channel; empty
    /// for other layers.
    /// </summary>
    public IReadOnlyList<float> SpikeValue { get; init; } = [];
}
