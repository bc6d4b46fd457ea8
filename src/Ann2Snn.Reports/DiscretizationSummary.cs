using Ann2Snn.Analysis;

namespace Ann2Snn.Reports;

/// <summary>
/// The Δt study (<see cref="DiscretizationStudy"/>): a LIF neuron (τm, τ_ref, in ms) driven by a three-segment input at each
/// base current of <paramref name="Currents"/>; <paramref name="Slope"/> is the log-log slope of the averaged mean spike-time error
/// against Δt (≈ 1: first order).
/// </summary>
public sealed record DiscretizationSummary(double TauMem, double RefractoryTime, double Horizon, IReadOnlyList<double> Currents,
    IReadOnlyList<DiscretizationRow> Points, double Slope);
