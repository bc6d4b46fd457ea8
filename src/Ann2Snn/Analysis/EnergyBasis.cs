using Ann2Snn.Graph;
using Ann2Snn.Snn;

namespace Ann2Snn.Analysis;

/// <summary>
/// What an <see cref="EnergyEstimate"/> needs of the networks, beside a run's counts: the MACs per image of an analog first
/// layer (<see cref="EnergyEstimate.AnalogInputMacsOf"/>), the neurons updated each step, and the ANN's MACs and
/// weighted-layer outputs per image. Fixed by the networks, so it is the same for every shard of an evaluation's images.
/// </summary>
public sealed record EnergyBasis(long AnalogInputMacs, long Neurons, long AnnMacs, long AnnOutputs)
{
    /// <summary>The basis of <paramref name="network"/> against the ANN <paramref name="ann"/> it was converted from.</summary>
    public static EnergyBasis Of(SpikingNetwork network, ModelGraph ann)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(ann);
        return new EnergyBasis(
            EnergyEstimate.AnalogInputMacsOf(network),
            network.Layers.OfType<NeuronLayer>().Sum(n => (long)n.Shape.Size),
            ann.TotalMacs,
            ann.Nodes.Where(n => n.Macs > 0).Sum(n => (long)n.OutputShape.Size));
    }
}
