namespace Ann2Snn.Conversion;

/// <summary>How each population's activation scale λ is chosen (M3).</summary>
public enum NormalizationKind
{
    /// <summary>λ = the largest activation seen on the calibration set.</summary>
    Max,

    /// <summary>λ = a robust percentile of the positive activations (default 99.99).</summary>
    Percentile,

    /// <summary>A percentile per channel: each output channel gets its own λ.</summary>
    ChannelWise,

    /// <summary>Weights only (Diehl-style): λ bounds the activation given the sources' bounds, without data.</summary>
    Model,
}
