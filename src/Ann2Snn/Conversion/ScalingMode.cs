namespace Ann2Snn.Conversion;

/// <summary>
/// Whether normalization rescales weights (threshold 1) or thresholds (weights in ANN units); the spike trains are the same.
/// </summary>
public enum ScalingMode
{
    Weights,
    Thresholds,
}
