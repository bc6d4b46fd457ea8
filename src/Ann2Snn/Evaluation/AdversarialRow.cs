namespace Ann2Snn.Evaluation;

/// <summary>
/// One budget ε of an <see cref="AdversarialResult"/>: the ANN's accuracy on the adversarial images, the SNN's at each T
/// (<see cref="Snn"/>), the mean size of the perturbations, and for the sign-flip attack how many of the hidden layer's
/// neurons that fired on the clean image it silenced.
/// </summary>
public sealed record AdversarialRow(float Epsilon, double AnnAccuracy, IReadOnlyList<AdversarialTransfer> Snn, double MeanLInfinity,
    double MeanL2, double? ActivePerImage = null, double? SilencedPerImage = null)
{
    /// <summary>The fraction of the layer's clean-active neurons the sign-flip attack silenced (null for other attacks).</summary>
    public double? SilencedFraction => ActivePerImage is > 0 ? SilencedPerImage / ActivePerImage : null;
}

/// <summary>
/// The SNN at one window T on the adversarial images of one ε: its accuracy; the transfer rate, the fraction of the images
/// the attack fooled the ANN on (right when clean, wrong when attacked) that the SNN gets wrong too; the fraction of the
/// perturbations absorbed, among the images whose ANN prediction the attack changed, those whose SNN prediction it did not
/// change (null where no image qualifies); and each layer's spikes on the adversarial images relative to the clean ones
/// (<c>adversarial / clean − 1</c>, in the network's layer order).
/// </summary>
public sealed record AdversarialTransfer(int Timesteps, double Accuracy, double? TransferRate, double? Absorbed,
    IReadOnlyList<double> LayerSpikeChange);
