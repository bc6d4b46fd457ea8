namespace Ann2Snn.Analysis;

/// <summary>
/// Saturation share of the analog bias at T: <see cref="BiasSquared"/> for the network studied, <see cref="MaxNormBiasSquared"/>
/// for the same model re-converted with max normalization on the very images evaluated (so no activation exceeds its
/// scale and nothing saturates), and <see cref="Fraction"/> = clamp((b − b_max)/b, 0, 1): the part of the bias that goes away
/// when saturation is made impossible. The rest is quantization and the residual transient at T (not split further).
/// </summary>
public sealed record SaturationShare(int Timesteps, double BiasSquared, double MaxNormBiasSquared, double Fraction);
