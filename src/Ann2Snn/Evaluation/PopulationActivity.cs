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
    double SynapticEventsPerImage);
