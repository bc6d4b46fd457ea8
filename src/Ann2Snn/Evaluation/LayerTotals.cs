namespace Ann2Snn.Evaluation;

/// <summary>
/// One layer of an evaluation's <see cref="EvaluationTotals"/>: what it is (name, kind, neurons, whether it is the readout, the
/// λ the conversion gave it) and the spikes it fired over all images and steps, each reaching <paramref name="FanOut"/> synapses
/// on average.
/// </summary>
public sealed record LayerTotals(string Name, string Kind, int Neurons, bool IsReadout, float? Lambda, long Spikes, double FanOut)
{
    /// <summary>Whether <paramref name="other"/> is the same layer (all but the spikes equal).</summary>
    public bool SameLayer(LayerTotals other) =>
        other is not null && this == other with { Spikes = Spikes };
}
