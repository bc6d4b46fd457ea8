namespace Ann2Snn.Conversion;

/// <summary>What a <see cref="NormalizationKind"/> asks of the conversion.</summary>
public static class NormalizationKindExtensions
{
    /// <summary>
    /// Whether λ comes from activations measured on calibration data (max, percentile, channel-wise); false for
    /// <see cref="NormalizationKind.Model"/>, which bounds the activations from the weights alone.
    /// </summary>
    public static bool NeedsCalibration(this NormalizationKind kind) => kind != NormalizationKind.Model;
}
