using Ann2Snn.Neurons;

namespace Ann2Snn.Analysis;

/// <summary>
/// Continuous-time neuron (the M6 reference for the stepped simulator): a model and its <see cref="Parameters"/>, solved
/// exactly in double precision by <see cref="ExactNeuron"/> with the model's own continuous-time solution
/// (<see cref="NeuronModel.TimeToThreshold"/>, <see cref="NeuronModel.Advance"/>). The parameters are the stepped neuron's
/// float values, so the oracle solves exactly the neuron the simulator steps; Δt, the refractory steps and the initial
/// fraction are the stepped neuron's alone (<see cref="ToStepped"/>): in continuous time they are <see cref="RefractoryTime"/>
/// and <see cref="V0"/>. Fire, reset and refractory period as in <see cref="NeuronParameters"/>: a spike at the instant V
/// reaches V_th, after which the membrane is held for τ_ref. Units: the time unit of the input segments.
/// </summary>
public readonly record struct ContinuousNeuron
{
    /// <summary>
    /// The model and its values; <see cref="NeuronParameters.Dt"/>, <see cref="NeuronParameters.RefractorySteps"/> and
    /// <see cref="NeuronParameters.InitialFraction"/> are not read.
    /// </summary>
    public NeuronParameters Parameters { get; init; }

    /// <summary>Absolute refractory period τ_ref in time units (0 = none).</summary>
    public double RefractoryTime { get; init; }

    /// <summary>Membrane potential at t = 0.</summary>
    public double V0 { get; init; }

    public static ContinuousNeuron IntegrateAndFire(
        double threshold = 1, ResetMode reset = ResetMode.BySubtraction, double refractoryTime = 0, double v0 = 0) =>
        new() { Parameters = NeuronParameters.IntegrateAndFire((float)threshold, reset), RefractoryTime = refractoryTime, V0 = v0 };

    public static ContinuousNeuron LeakyIntegrateAndFire(
        double tauMem, double threshold = 1, ResetMode reset = ResetMode.ToZero, double vRest = 0, double resistance = 1,
        double refractoryTime = 0, double? v0 = null) =>
        new()
        {
            Parameters = NeuronParameters.LeakyIntegrateAndFire((float)tauMem, (float)threshold, reset, (float)vRest, (float)resistance),
            RefractoryTime = refractoryTime,
            V0 = v0 ?? vRest,
        };

    /// <summary>The stepped model of this neuron at step Δt: τ_ref rounded to whole steps; V(0) is set by the caller.</summary>
    public NeuronParameters ToStepped(double dt) =>
        Parameters with { Dt = (float)dt, RefractorySteps = (int)Math.Round(RefractoryTime / dt), InitialFraction = 0f };

    /// <summary>Steady firing rate under constant <paramref name="current"/> (<see cref="NeuronModel.Rate"/>).</summary>
    public double Rate(double current) => Parameters.Model.Rate(Parameters, current, RefractoryTime);

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the parameter when a value is outside its domain.</summary>
    public void Validate()
    {
        if (!(RefractoryTime >= 0) || !double.IsFinite(RefractoryTime))
        {
            ThrowHelper.InvalidOption("refractory", $"τ_ref = {RefractoryTime} must be finite and not negative");
        }
        if (Parameters.SignedSpikes) ThrowHelper.InvalidOption("signed", "the exact solver has no signed spikes");
        if (Parameters.BurstLimit != 1)
        {
            ThrowHelper.InvalidOption("burst", "the exact solver has no burst spikes (continuous time has no steps)");
        }
        (Parameters with { Dt = 1f, RefractorySteps = 0, InitialFraction = 0f }).Validate(); // what the continuous neuron reads
        if (!double.IsFinite(V0) || V0 >= Parameters.VThreshold)
        {
            ThrowHelper.InvalidOption("v-init", $"V0 = {V0} must be finite and below V_th = {Parameters.VThreshold}");
        }
    }
}
