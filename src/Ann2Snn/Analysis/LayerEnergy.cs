namespace Ann2Snn.Analysis;

/// <summary>
/// One source of work (a population, an operator layer, or "input" for input spikes): its synaptic events and MACs per image
/// and their energy.
/// </summary>
public sealed record LayerEnergy(string Name, double EventsPerImage, double Joules, double MacsPerImage = 0);
