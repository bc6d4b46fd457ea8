namespace Ann2Snn.Conversion;

/// <summary>
/// How close a converted network comes to its ANN at a window, on calibration images: the mean squared error of its outputs
/// against the logits (summed over outputs, averaged over images), the fraction of images where its class is the ANN's,
/// and its synaptic events per image.
/// </summary>
public sealed record WindowAgreement(double OutputError, double Agreement, double SynapticEvents, int Images);
