namespace Ann2Snn.Evaluation;

/// <summary>
/// One layer of an evaluation's <see cref="EvaluationTotals"/>: what it is (name, kind, neurons, whether it is the readout, the
/// λ the conversion gave it) and the spikes it fired over all images and steps, each reaching <paramref name="FanOut"/> synapses
/// on average; for an operator layer, the operations it performed and the non-zero values it emitted
/// (<see cref="Simulation.SimulationResult.OperatorMacs"/>, <see cref="Simulation.SimulationResult.OperatorOutputs"/>).
/// </summary>
public sealed record LayerTotals(string Name, string Kind, int Neurons, bool IsReadout, float? Lambda, long Spikes, double FanOut,
    long OperatorMacs = 0, long OperatorOutputs = 0)
{
    /// <summary>Whether <paramref name="other"/> is the same layer (all but the counts equal).</summary>
    public bool SameLayer(LayerTotals other) =>
        other is not null && this == other with { Spikes = Spikes, OperatorMacs = OperatorMacs, OperatorOutputs = OperatorOutputs };

    /// <summary>MACs per image over <paramref name="images"/> images (<see cref="Simulation.SimulationResult.MacsPerImageOf"/>).</summary>
    public double MacsPerImage(int images) => Simulation.SimulationResult.MacsPerImageOf(OperatorMacs, OperatorOutputs, FanOut, images);
}
