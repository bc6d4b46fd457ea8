using Ann2Snn.Conversion;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Evaluation;

/// <summary>
/// The activity of one layer of the spiking network, per image over the run's T steps: spikes, rate (spikes per neuron
/// and step) and the synaptic events its spikes cause. <paramref name="Lambda"/> is the activation scale λ the
/// conversion gave the population (null for a readout, or when the network was not converted in this run).
/// </summary>
public sealed record PopulationActivity(
    string Name,
    string Kind,
    int Neurons,
    bool IsReadout,
    float? Lambda,
    double SpikesPerImage,
    double Rate,
    double SynapticEventsPerImage)
{
    /// <summary>
    /// The activity of layer <paramref name="index"/> in <paramref name="snn"/>; λ from <paramref name="conversion"/>
    /// when the network was converted in this run.
    /// </summary>
    public static PopulationActivity Of(SpikingLayer layer, int index, SimulationResult snn, ConversionResult? conversion)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(snn);
        ConvertedLayer? info = conversion?.Layers.FirstOrDefault(c => c.Name == layer.Name);
        bool readout = layer is ReadoutLayer;
        float? lambda = info is null || float.IsNaN(info.Scale) || readout ? null : info.Scale;
        double spikes = snn.Images == 0 ? 0 : (double)snn.LayerSpikes[index] / snn.Images;
        double rate = spikes / layer.Shape.Size / snn.Timesteps;
        return new PopulationActivity(
            layer.Name, layer.Kind, layer.Shape.Size, readout, lambda, spikes, rate, snn.SynapticEventsPerImage(index));
    }
}
