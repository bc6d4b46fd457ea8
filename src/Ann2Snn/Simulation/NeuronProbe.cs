namespace Ann2Snn.Simulation;

/// <summary>A neuron whose membrane potential is recorded at every step (for the first image simulated).</summary>
public readonly record struct NeuronProbe(string Layer, int Neuron);
