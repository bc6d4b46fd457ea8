namespace Ann2Snn.Analysis;

/// <summary>One source of synaptic events (a population, or "input" for input spikes): events and their energy per image.</summary>
public sealed record LayerEnergy(string Name, double EventsPerImage, double Joules);
