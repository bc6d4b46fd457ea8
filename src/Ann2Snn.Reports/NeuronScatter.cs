namespace Ann2Snn.Reports;

/// <summary>
/// Per-neuron means of one population (ANN activation, SNN rate·λ/s), at most a few thousand neurons, for the scatter plots.
/// </summary>
public sealed record NeuronScatter(string Population, double[] Ann, double[] Snn);
