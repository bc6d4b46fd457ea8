namespace Ann2Snn.Snn;

/// <summary>What the membrane does after a spike.</summary>
public enum ResetMode
{
    /// <summary>V ← V − V_th: the charge above threshold is kept, so the rate tracks the input without a floor loss.</summary>
    BySubtraction,

    /// <summary>V ← 0 (V_rest for LIF): the charge above threshold is lost.</summary>
    ToZero,
}

/// <summary>Membrane dynamics of a population.</summary>
public enum NeuronKind
{
    /// <summary>Integrate-and-fire (non-leaky): dV/dt = I.</summary>
    If,

    /// <summary>Leaky integrate-and-fire: τm dV/dt = −(V − V_rest) + R·I.</summary>
    Lif,
}

/// <summary>
/// Parameters of an integrate-and-fire population. Time is measured in simulation steps of length Δt (so a rate
/// is spikes per step, at most 1 = 1/Δt; with a refractory period of <see cref="RefractorySteps"/> the ceiling
/// is f_max = 1/(τ_ref/Δt + 1) per step when the input is strong enough to fire on the first step allowed).
/// <list type="bullet">
/// <item>Charge: IF, V ← V + I·Δt. LIF, exact for input constant over a step:
/// V ← V_rest + (V − V_rest)·e^(−Δt/τm) + R·I·(1 − e^(−Δt/τm)).</item>
/// <item>Fire: a spike when V ≥ V_th (and the neuron is not refractory).</item>
/// <item>Reset: by subtraction, V ← V − V_th; to zero, V ← V_rest (0 for IF).</item>
/// <item>Refractory: for <see cref="RefractorySteps"/> steps after a spike the membrane is held and no input is integrated.</item>
/// </list>
/// Units: V_th, V_rest, V in the same (arbitrary, normalized) voltage unit; I in voltage per unit time for IF,
/// in current units with R in voltage per current for LIF; τm and Δt in the same time unit (seconds or steps).
/// </summary>
public readonly record struct NeuronParameters
{
    public NeuronKind Kind { get; init; }

    /// <summary>Firing threshold V_th (&gt; 0).</summary>
    public float VThreshold { get; init; }

    public ResetMode Reset { get; init; }

    /// <summary>LIF membrane time constant τm (same unit as <see cref="Dt"/>); ignored for IF.</summary>
    public float TauMem { get; init; }

    /// <summary>LIF resting potential V_rest; ignored for IF.</summary>
    public float VRest { get; init; }

    /// <summary>LIF membrane resistance R; ignored for IF.</summary>
    public float Resistance { get; init; }

    /// <summary>Absolute refractory period in whole steps (0 = none).</summary>
    public int RefractorySteps { get; init; }

    /// <summary>Initial membrane potential as a fraction of V_th (0, or 0.5 to centre the quantization error).</summary>
    public float InitialFraction { get; init; }

    /// <summary>Simulation step Δt (same unit as τm).</summary>
    public float Dt { get; init; }

    /// <summary>
    /// Signed spikes ("signed neuron with memory", Wang et al., IJCAI 2022): the neuron keeps its net spike count c
    /// (state of the simulator, 0 at t = 0) and, after charging, emits at most one event per step:
    /// if V ≥ V_th, a +1 spike, V ← V − V_th, c ← c + 1; else if V &lt; 0 and c &gt; 0, a −1 spike, V ← V + V_th, c ← c − 1.
    /// A spike it should not have fired is thus taken back, so c tracks max(0, ⌊Q/V_th⌋) of the charge Q received
    /// (round half up of the input charge with V(0) = V_th/2). Only for IF with reset by subtraction and no refractory period.
    /// </summary>
    public bool SignedSpikes { get; init; }

    public static NeuronParameters IntegrateAndFire(float threshold = 1f, ResetMode reset = ResetMode.BySubtraction, float initialFraction = 0f) =>
        new() { Kind = NeuronKind.If, VThreshold = threshold, Reset = reset, InitialFraction = initialFraction, Dt = 1f, Resistance = 1f, TauMem = float.PositiveInfinity };

    public static NeuronParameters LeakyIntegrateAndFire(float tauMem, float threshold = 1f, ResetMode reset = ResetMode.BySubtraction, float vRest = 0f, float resistance = 1f, float dt = 1f) =>
        new() { Kind = NeuronKind.Lif, TauMem = tauMem, VThreshold = threshold, Reset = reset, VRest = vRest, Resistance = resistance, Dt = dt };

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the parameter when a value is outside its domain.</summary>
    public void Validate()
    {
        if (!(VThreshold > 0) || !float.IsFinite(VThreshold)) ThrowHelper.InvalidOption("threshold", $"V_th = {VThreshold} must be positive and finite");
        if (!(Dt > 0) || !float.IsFinite(Dt)) ThrowHelper.InvalidOption("dt", $"Δt = {Dt} must be positive and finite");
        if (RefractorySteps < 0) ThrowHelper.InvalidOption("refractory", $"τ_ref = {RefractorySteps} steps must not be negative");
        if (Kind == NeuronKind.Lif)
        {
            if (!(TauMem > 0)) ThrowHelper.InvalidOption("tau-mem", $"τm = {TauMem} must be positive");
            if (!(Resistance > 0) || !float.IsFinite(Resistance)) ThrowHelper.InvalidOption("resistance", $"R = {Resistance} must be positive and finite");
            if (!float.IsFinite(VRest) || VRest >= VThreshold) ThrowHelper.InvalidOption("v-rest", $"V_rest = {VRest} must be finite and below V_th = {VThreshold}");
        }
        if (SignedSpikes && (Kind != NeuronKind.If || Reset != ResetMode.BySubtraction || RefractorySteps != 0))
        {
            ThrowHelper.InvalidOption("signed", $"signed spikes need IF neurons with reset by subtraction and no refractory period (got {Kind}, {Reset}, τ_ref = {RefractorySteps})");
        }
        if (!(InitialFraction >= 0) || InitialFraction >= 1) ThrowHelper.InvalidOption("v-init", $"initial potential {InitialFraction}·V_th must be in [0, 1)");
    }

    /// <summary>Per-step membrane decay e^(−Δt/τm) (1 for IF).</summary>
    public float Decay => Kind == NeuronKind.If ? 1f : MathF.Exp(-Dt / TauMem);

    /// <summary>Per-step input gain: Δt for IF; R·(1 − e^(−Δt/τm)) for LIF.</summary>
    public float InputGain => Kind == NeuronKind.If ? Dt : Resistance * (1f - Decay);

    /// <summary>Potential after a reset to zero.</summary>
    public float ResetPotential => Kind == NeuronKind.If ? 0f : VRest;

    /// <summary>Potential at t = 0.</summary>
    public float InitialPotential => ResetPotential + InitialFraction * (VThreshold - ResetPotential);
}
