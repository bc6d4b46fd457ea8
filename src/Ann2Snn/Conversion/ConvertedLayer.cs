using Ann2Snn.Tensors;

namespace Ann2Snn.Conversion;

/// <summary>
/// One population of the converted network and how it was scaled. <paramref name="LambdaSource"/> says where a scale
/// λ came from when the model itself fixed it ("model (QCFS L=8)" for a quantized clip); null when conversion chose it
/// (from calibration data or the weights).
/// </summary>
public sealed record ConvertedLayer(string Name, string Kind, string FromNode, Shape Shape, float Scale, float Threshold,
    string? LambdaSource = null)
{
    /// <summary>
    /// A population of neurons: the ANN value one spike stands for (λ/s), one value for the layer or one per channel; empty
    /// for other layers.
    /// </summary>
    public IReadOnlyList<float> SpikeValue { get; init; } = [];
}
