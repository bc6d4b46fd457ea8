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

    /// <summary>
    /// λ fitted to the window: the scale that minimizes the expected squared quantization and clipping error of a rate code of
    /// <see cref="ConversionOptions.Window"/> steps (<see cref="StreamingHistogram.QuantizationOptimum"/>), one per layer.
    /// </summary>
    Fit,

    /// <summary><see cref="Fit"/> per channel: each output channel gets the λ that minimizes its own error for the window.</summary>
    ChannelFit,
}
