namespace Ann2Snn.Analysis;

/// <summary>
/// Result of <see cref="DiscretizationStudy.Run"/>: the exact spike times, one point per Δt, and the least-squares slope of
/// log(mean spike-time error) against log(Δt) (≈ 1: a spike is reported at the end of the step in which V crosses
/// V_th, a delay uniform in [0, Δt)).
/// </summary>
public sealed record DiscretizationReport(IReadOnlyList<double> ExactSpikeTimes, IReadOnlyList<DiscretizationPoint> Points,
    double SpikeTimeErrorSlope);
