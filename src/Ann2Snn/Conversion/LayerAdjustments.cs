namespace Ann2Snn.Conversion;

/// <summary>
/// Corrections that layer-wise calibration (<see cref="LayerwiseCalibration"/>) makes to a conversion, by population name (the
/// node a population stands for; the readout is named "OUTPUT.readout"), in units that do not depend on λ, so they survive a
/// re-conversion with another λ.
/// </summary>
public sealed record LayerAdjustments
{
    public static LayerAdjustments None { get; } = new();

    /// <summary>Factor on a population's λ (so on the ANN value one spike stands for): 1 when absent.</summary>
    public IReadOnlyDictionary<string, float> LambdaFactors { get; init; } = new Dictionary<string, float>();

    /// <summary>
    /// Shift of the mean output of each neuron, in ANN activation units: a constant current that adds Δa to the value the
    /// neuron encodes over the window (Δb = Δa·θ/u, u the ANN value of one spike), or Δa to a readout's logits.
    /// </summary>
    public IReadOnlyDictionary<string, float[]> OutputShifts { get; init; } = new Dictionary<string, float[]>();

    public float LambdaFactor(string layer) => LambdaFactors.TryGetValue(layer, out float f) ? f : 1f;

    public LayerAdjustments WithLambdaFactor(string layer, float factor) =>
        this with { LambdaFactors = new Dictionary<string, float>(LambdaFactors) { [layer] = factor } };

    /// <summary>Adds <paramref name="shift"/> (one value per neuron) to the layer's output shift.</summary>
    public LayerAdjustments AddOutputShift(string layer, float[] shift)
    {
        ArgumentNullException.ThrowIfNull(shift);
        float[] total = OutputShifts.TryGetValue(layer, out float[]? old)
            ? old.Zip(shift, (a, b) => a + b).ToArray()
            : (float[])shift.Clone();
        return this with { OutputShifts = new Dictionary<string, float[]>(OutputShifts) { [layer] = total } };
    }
}
