using Ann2Snn.Analysis;

namespace Ann2Snn.Reports;

/// <summary>
/// One Δt of the discretization study, each error averaged over the input currents (see <see cref="DiscretizationPoint"/>).
/// </summary>
public sealed record DiscretizationRow(double Dt, double MeanSpikeTimeError, double FirstSpikeError, double RateError);
