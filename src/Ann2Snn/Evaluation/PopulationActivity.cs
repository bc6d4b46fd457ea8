using Ann2Snn.Conversion;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Evaluation;

/// <summary>
/// The activity of one layer of the spiking network, per image over the run's T steps: spikes, rate (spikes per neuron
/// and step) and the synaptic events its spikes cause. <paramref name="Lambda"/> is the activation scale λ the
/// conversion gave the population (null for a readout, or when the network was not converted in this run).
/// <paramref name="MacsPerImage"/> is the work of an operator layer, which computes on accumulated values and is not
/// event-driven (<see cref="Snn.OperatorLayer"/>; 0 for populations).
/// </summary>
public sealed record PopulationActivity(
    string Name,
    string Kind,
    int Neurons,
    bool IsReadout,
    float? Lambda,
    double SpikesPerImage,
    double Rate,
    double SynapticEventsPerImage,
    double MacsPerImage = 0)
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
        return Of(new LayerTotals(layer.Name, layer.Kind, layer.Shape.Size, readout, lambda, snn.LayerSpikes[index], snn.FanOut[index],
            snn.OperatorMacs[index], snn.OperatorOutputs[index]), snn.Images, snn.Timesteps);
    }

    /// <summary>
    /// The activity of a layer that fired <see cref="LayerTotals.Spikes"/> spikes over <paramref name="images"/> images of
    /// <paramref name="timesteps"/> steps: spikes / images, rate = spikes per image / neurons / T, and its synaptic events
    /// (<see cref="SimulationResult.EventsPerImage"/>).
    /// </summary>
    public static PopulationActivity Of(LayerTotals layer, int images, int timesteps)
    {
        ArgumentNullException.ThrowIfNull(layer);
        double spikes = images == 0 ? 0 : (double)layer.Spikes / images;
        double rate = spikes / layer.Neurons / timesteps;
        return new PopulationActivity(layer.Name, layer.Kind, layer.Neurons, layer.IsReadout, layer.Lambda, spikes, rate,
            SimulationResult.EventsPerImage(layer.Spikes, layer.FanOut, images), layer.MacsPerImage(images));
    }
}
