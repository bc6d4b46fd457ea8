namespace Ann2Snn.Analysis;

/// <summary>
/// Error of the output estimate at one T, averaged over images and outputs:
/// <see cref="Variance"/> = across-seed (unbiased) variance of the Poisson-input estimate;
/// <see cref="PoissonBiasSquared"/> = (mean over seeds − ANN output)², which still holds <see cref="Variance"/>/R of noise
/// (<see cref="DebiasedPoissonBiasSquared"/> subtracts it); <see cref="AnalogBiasSquared"/> = (analog-input estimate − ANN output)².
/// </summary>
public sealed record ErrorAtT(int Timesteps, double Variance, double PoissonBiasSquared, double AnalogBiasSquared, int Seeds)
{
    public double DebiasedPoissonBiasSquared => PoissonBiasSquared - Variance / Seeds;
}
