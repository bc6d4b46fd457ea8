using Ann2Snn.Simulation;

namespace Ann2Snn.Analysis;

/// <summary>
/// One synapse model's measurements. <see cref="Jitter"/>: standard deviation, over neurons and measured steps, of the charge a
/// neuron integrates in a step (InputGain·I_syn: the membrane change without leak and reset; refractory steps skipped).
/// <see cref="MeanRate"/>: spikes per neuron per step, with its standard error <see cref="RateStandardError"/> from the spread
/// of the per-neuron rates. <see cref="CountCv"/>: coefficient of variation of spike counts in windows of
/// <see cref="SynapseStudyOptions.Window"/> steps across neurons and windows (rate reliability; lower is more reliable).
/// </summary>
public sealed record SynapsePoint(SynapseModel Model, float TauSyn, double Jitter, double MeanRate,
    double RateStandardError, double CountCv);
