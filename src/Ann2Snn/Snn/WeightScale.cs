namespace Ann2Snn.Snn;

/// <summary>How a quantization scale is shared (<see cref="WeightQuantization"/>).</summary>
public enum WeightScale
{
    /// <summary>One scale per population: integer weights, and the threshold, bias and V_rest divided by the scale.</summary>
    PerLayer,

    /// <summary>One scale per output channel: finer, but a scalar threshold cannot absorb it, so weights stay dequantized.</summary>
    PerChannel,
}
