namespace Ann2Snn.Analysis;

/// <summary>
/// The stepped neuron at one Δt against the exact solver. <see cref="RateError"/> = |N_step − N_exact| / horizon;
/// <see cref="FirstSpikeError"/> = |t₁,step − t₁,exact| (NaN when either has no spike);
/// <see cref="MeanSpikeTimeError"/> = mean |t_i,step − t_i,exact| over the first k spikes both produced.
/// </summary>
public sealed record DiscretizationPoint(double Dt, int Steps, int RefractorySteps, int SpikeCount, int ExactSpikeCount, double RateError,
    double FirstSpikeError, double MeanSpikeTimeError);
