using Ann2Snn.Evaluation;

namespace Ann2Snn.Reports;

/// <summary>
/// One configuration of a sweep as its report shows it: <paramref name="Label"/> (the values that set it apart from the
/// others), the model and data, its SNN accuracy at each reported T beside the ANN's, and its spikes and synaptic events per
/// image over the whole window of <paramref name="Timesteps"/> steps; <paramref name="Values"/> every value the spec set.
/// </summary>
public sealed record SweepRun(
    string Label,
    string Model,
    string Data,
    int Images,
    int Timesteps,
    IReadOnlyList<StepAccuracy> Accuracy,
    double? AnnAccuracy,
    double SynapticEventsPerImage,
    double SpikesPerImage,
    string Backend,
    IReadOnlyList<KeyValuePair<string, string>> Values)
{
    /// <summary>The run as a point of accuracy (at its whole window) against events, for the Pareto front.</summary>
    public LatencyPoint Point => new(Label, Timesteps, Accuracy[^1].Snn, SynapticEventsPerImage, SpikesPerImage, 0, Backend, []);
}
