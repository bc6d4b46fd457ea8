namespace Ann2Snn.Neurons;

/// <summary>
/// Parameters of a population: its <see cref="Model"/> and the values it reads. Time is measured in simulation steps of
/// length Δt (so a rate is spikes per step, at most 1 = 1/Δt; with a refractory period of <see cref="RefractorySteps"/> the
/// ceiling is f_max = 1/(τ_ref/Δt + 1) per step when the input is strong enough to fire on the first step allowed).
/// What every model shares (its charge is its own: see <see cref="IntegrateAndFire"/>, <see cref="LeakyIntegrateAndFire"/>):
/// <list type="bullet">
/// <item>Fire: a spike when V ≥ V_th (and the neuron is not refractory).</item>
/// <item>Reset: by subtraction, V ← V − V_th; to zero, V ← the model's reset potential (0 for IF, V_rest for LIF).</item>
/// <item>Refractory: for <see cref="RefractorySteps"/> steps after a spike the membrane is held and no input is integrated.</item>
/// </list>
/// Units: V_th, V_rest, V in the same (arbitrary, normalized) voltage unit; τm and Δt in the same time unit (seconds or
/// steps); the unit of the input current is the model's. A field the model does not read (τm, V_rest, R for IF) is ignored.
/// </summary>
public readonly record struct NeuronParameters
{
    /// <summary>
    /// An integrate-and-fire neuron with Δt = 1, R = 1 and no leak (τm = +∞) until told otherwise; the threshold is for the
    /// caller to set. <c>default(NeuronParameters)</c> has none of these: no model, and it fails validation.
    /// </summary>
    public NeuronParameters()
    {
    }

    /// <summary>The membrane dynamics (a registered model of <see cref="NeuronModels"/>).</summary>
    public NeuronModel Model { get; init; } = NeuronModels.If;

    /// <summary>Firing threshold V_th (&gt; 0).</summary>
    public float VThreshold { get; init; }

    public ResetMode Reset { get; init; }

    /// <summary>Membrane time constant τm (same unit as <see cref="Dt"/>) of the models with a leak; +∞ (the default) for none.</summary>
    public float TauMem { get; init; } = float.PositiveInfinity;

    /// <summary>Resting potential V_rest of the models with a leak.</summary>
    public float VRest { get; init; }

    /// <summary>Membrane resistance R of the models with a leak (default 1).</summary>
    public float Resistance { get; init; } = 1f;

    /// <summary>Absolute refractory period in whole steps (0 = none).</summary>
    public int RefractorySteps { get; init; }

    /// <summary>Initial membrane potential as a fraction of V_th (0, or 0.5 to centre the quantization error).</summary>
    public float InitialFraction { get; init; }

    /// <summary>Simulation step Δt (same unit as τm; default 1).</summary>
    public float Dt { get; init; } = 1f;

    /// <summary>
    /// Signed spikes ("signed neuron with memory", Wang et al., IJCAI 2022): the neuron keeps its net spike count c
    /// (state of the simulator, 0 at t = 0) and, after charging, emits at most one event per step:
    /// if V ≥ V_th, a +1 spike, V ← V − V_th, c ← c + 1; else if V &lt; 0 and c &gt; 0, a −1 spike, V ← V + V_th, c ← c − 1.
    /// A spike it should not have fired is thus taken back, so c tracks max(0, ⌊Q/V_th⌋) of the charge Q received
    /// (round half up of the input charge with V(0) = V_th/2). A flag rather than a model of its own: it changes the fire
    /// and reset of a model that allows it (<see cref="NeuronModel.AllowsSignedSpikes"/>, IF only), with reset by
    /// subtraction and no refractory period (<see cref="AllowsSignedSpikes"/>), and keeps the model's charge.
    /// </summary>
    public bool SignedSpikes { get; init; }

    /// <summary>
    /// Burst limit B ≥ 1, the most spikes a neuron emits in one step (burst spikes, Li &amp; Zeng, "Efficient and accurate
    /// conversion of spiking neural network with burst spikes", IJCAI 2022). After charging, the neuron fires and resets by
    /// subtraction while V ≥ V_th, at most B times: k = min(B, ⌊V/V_th⌋) spikes when V ≥ V_th (0 otherwise) and
    /// V ← V − k·V_th, each subtraction rounded as the single spike's is. The step writes k (0..B) into the spike vector,
    /// so a synapse carries k·w, and counts k spikes (k synaptic events per target). Under constant input I from V(0) the
    /// count after T steps is min(B·T, ⌊(V(0) + g·I·T)/V_th⌋): the rate saturates at B per step instead of 1, so a
    /// converted population can map λ to B spikes per step and resolve T·B levels in T steps. B = 1 (the default) is the
    /// usual neuron, bit for bit. B &gt; 1 needs reset by subtraction (a reset to zero discards the charge a burst would
    /// carry) and no refractory period (a burst is the opposite of a dead time). A signed neuron bursts both ways: up to B
    /// spikes fired or taken back in one step (<see cref="Kernels.NeuronKernels.StepSigned"/>); the dense and event backends
    /// run such populations (the converter makes them for operators' operands), the layered and ttfs backends refuse them.
    /// </summary>
    public int BurstLimit { get; init; } = 1;

    /// <summary>The largest <see cref="BurstLimit"/> accepted (a backend keeps up to B bit planes of spikes per population).</summary>
    public const int MaxBurstLimit = 64;

    public static NeuronParameters IntegrateAndFire(float threshold = 1f, ResetMode reset = ResetMode.BySubtraction,
        float initialFraction = 0f) =>
        new() { VThreshold = threshold, Reset = reset, InitialFraction = initialFraction };

    public static NeuronParameters LeakyIntegrateAndFire(float tauMem, float threshold = 1f, ResetMode reset = ResetMode.BySubtraction,
        float vRest = 0f, float resistance = 1f, float dt = 1f) =>
        IntegrateAndFire(threshold, reset) with
        {
            Model = NeuronModels.Lif,
            TauMem = tauMem,
            VRest = vRest,
            Resistance = resistance,
            Dt = dt,
        };

    /// <summary>Whether signed spikes go with a model, reset mode and refractory period: one that allows them, subtraction, none.</summary>
    public static bool AllowsSignedSpikes(NeuronModel model, ResetMode reset, int refractorySteps) =>
        model is { AllowsSignedSpikes: true } && reset == ResetMode.BySubtraction && refractorySteps == 0;

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the parameter when a value is outside its domain.</summary>
    public void Validate()
    {
        if (Model is null) ThrowHelper.InvalidOption("neuron", "no neuron model is set");
        if (!(VThreshold > 0) || !float.IsFinite(VThreshold)) ThrowHelper.InvalidOption("threshold",
            $"V_th = {VThreshold} must be positive and finite");
        if (!(Dt > 0) || !float.IsFinite(Dt)) ThrowHelper.InvalidOption("dt", $"Δt = {Dt} must be positive and finite");
        if (RefractorySteps < 0) ThrowHelper.InvalidOption("refractory", $"τ_ref = {RefractorySteps} steps must not be negative");
        if (BurstLimit is < 1 or > MaxBurstLimit) ThrowHelper.InvalidOption("burst",
            $"burst limit B = {BurstLimit} must be in 1..{MaxBurstLimit}");
        if (BurstLimit > 1 && (Reset != ResetMode.BySubtraction || RefractorySteps > 0))
        {
            ThrowHelper.InvalidOption("burst", $"burst spikes (B = {BurstLimit}) need reset by subtraction and no refractory period "
                + $"(got {Reset}, τ_ref = {RefractorySteps})");
        }
        Model.Validate(this);
        if (SignedSpikes && !AllowsSignedSpikes(Model, Reset, RefractorySteps))
        {
            ThrowHelper.InvalidOption("signed", "signed spikes need IF neurons with reset by subtraction and no refractory period "
                + $"(got {Model}, {Reset}, τ_ref = {RefractorySteps})");
        }
        if (!(InitialFraction >= 0) || InitialFraction >= 1) ThrowHelper.InvalidOption("v-init",
            $"initial potential {InitialFraction}·V_th must be in [0, 1)");
    }

    /// <summary>Per-step input gain (<see cref="NeuronModel.InputGain"/>): Δt for IF; R·(1 − e^(−Δt/τm)) for LIF.</summary>
    public float InputGain => Model.InputGain(this);

    /// <summary>Potential after a reset to zero (<see cref="NeuronModel.ResetPotential"/>): 0 for IF, V_rest for LIF.</summary>
    public float ResetPotential => Model.ResetPotential(this);

    /// <summary>Potential at t = 0.</summary>
    public float InitialPotential => ResetPotential + InitialFraction * (VThreshold - ResetPotential);
}
