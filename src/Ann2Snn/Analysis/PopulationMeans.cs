using Ann2Snn.Conversion;

namespace Ann2Snn.Analysis;

/// <summary>
/// Per neuron of one population: mean ANN activation and mean SNN rate·λ/s, and the mean rate in spikes per step, over the images
/// (see <see cref="LayerAgreement.Means"/>).
/// </summary>
public sealed record PopulationMeans(ConvertedLayer Layer, double[] Ann, double[] Snn, double[] Rate);
