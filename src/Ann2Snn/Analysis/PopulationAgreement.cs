namespace Ann2Snn.Analysis;

/// <summary>
/// How closely one spiking population follows the ANN activation it encodes, per neuron averaged over the images:
/// <see cref="Correlation"/> (Pearson; NaN when either side is constant) and <see cref="Rmse"/> between the SNN's
/// rate·λ/s and the ANN's ReLU output, and the fraction of neurons that saturate (mean rate ≥ 0.99·s spikes per step,
/// or mean ANN activation above λ, i.e. clipped).
/// </summary>
public sealed record PopulationAgreement(string Name, string FromNode, int Neurons, float Lambda, double Correlation, double Rmse,
    double SaturatedFraction, double MeanAnn, double MeanSnn);
