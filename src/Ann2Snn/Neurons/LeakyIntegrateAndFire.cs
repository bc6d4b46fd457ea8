namespace Ann2Snn.Neurons;

/// <summary>
/// Leaky integrate-and-fire ("lif"), with membrane time constant τm, resting potential V_rest and resistance R (M2).
/// <list type="bullet">
/// <item>Continuous: τm dV/dt = −(V − V_rest) + R·I. Under constant I, V(t) = V∞ + (V − V∞)·e^(−t/τm) with
/// V∞ = V_rest + R·I, which reaches V_th after τm·ln((V∞ − V)/(V∞ − V_th)) when V∞ &gt; V_th, and never at or below the
/// rheobase R·I = V_th − V_rest. From rest with reset to rest it fires at f = 1/(τ_ref + τm·ln(R·I/(R·I − V_th + V_rest)))
/// (<see cref="NeuronModel.Rate"/>).</item>
/// <item>Charge, exact for input constant over the step: V ← V_rest + (V − V_rest)·e^(−Δt/τm) + R·(1 − e^(−Δt/τm))·I
/// (decay e^(−Δt/τm), input gain R·(1 − e^(−Δt/τm))).</item>
/// <item>Fire: a spike when V ≥ V_th.</item>
/// <item>Reset: by subtraction, V ← V − V_th; to zero, V ← V_rest.</item>
/// </list>
/// Units: V, V_th and V_rest in the voltage unit; I in current units and R in voltage per current unit; τm in the time unit of Δt.
/// </summary>
public sealed class LeakyIntegrateAndFire : NeuronModel
{
    internal LeakyIntegrateAndFire()
    {
    }

    public override string Name => "lif";

    /// <summary>τm &gt; 0, R &gt; 0 and finite, V_rest finite and below V_th.</summary>
    public override void Validate(in NeuronParameters p)
    {
        if (!(p.TauMem > 0)) ThrowHelper.InvalidOption("tau-mem", $"τm = {p.TauMem} must be positive");
        if (!(p.Resistance > 0) || !float.IsFinite(p.Resistance))
        {
            ThrowHelper.InvalidOption("resistance", $"R = {p.Resistance} must be positive and finite");
        }
        if (!float.IsFinite(p.VRest) || p.VRest >= p.VThreshold)
        {
            ThrowHelper.InvalidOption("v-rest", $"V_rest = {p.VRest} must be finite and below V_th = {p.VThreshold}");
        }
    }

    /// <summary>
    /// V_rest = 0 and R = 1/(1 − e^(−Δt/τm)), which makes the per-step input gain exactly 1, as for IF: the LIF then differs
    /// from the IF only by its leak, which is the effect a user wants to measure (with R = 1 the gain would be ~Δt/τm).
    /// </summary>
    public override NeuronParameters ForConversion(float threshold, float tauMem) =>
        NeuronParameters.LeakyIntegrateAndFire(tauMem, threshold, resistance: 1f / (1f - MathF.Exp(-1f / tauMem)));

    /// <summary>Per-step membrane decay e^(−Δt/τm).</summary>
    public static float Decay(in NeuronParameters p) => MathF.Exp(-p.Dt / p.TauMem);

    /// <summary>R·(1 − e^(−Δt/τm)).</summary>
    public override float InputGain(in NeuronParameters p) => p.Resistance * (1f - Decay(p));

    /// <summary>V_rest.</summary>
    public override float ResetPotential(in NeuronParameters p) => p.VRest;

    public override int Step(in NeuronParameters p, Span<float> v, Span<int> refractory, ReadOnlySpan<float> current, Span<float> spikes)
    {
        var rule = new Rule(Decay(p), p.InputGain, p.VThreshold, p.VRest, p.Reset == ResetMode.BySubtraction);
        return Step(rule, p.RefractorySteps, p.BurstLimit, v, refractory, current, spikes);
    }

    /// <summary>τm·ln((V∞ − V)/(V∞ − V_th)) for V∞ = V_rest + R·I &gt; V_th.</summary>
    public override double TimeToThreshold(in NeuronParameters p, double v, double current)
    {
        if (v >= p.VThreshold) return 0;
        double vInf = p.VRest + p.Resistance * current;
        return vInf > p.VThreshold ? p.TauMem * Math.Log((vInf - v) / (vInf - p.VThreshold)) : double.PositiveInfinity;
    }

    /// <summary>V∞ + (V − V∞)·e^(−t/τm).</summary>
    public override double Advance(in NeuronParameters p, double v, double current, double duration)
    {
        double vInf = p.VRest + p.Resistance * current;
        return vInf + (v - vInf) * Math.Exp(-duration / p.TauMem);
    }

    private readonly struct Rule(float decay, float gain, float theta, float rest, bool subtract) : IStepRule
    {
        public float Charge(float v, float current) => rest + (v - rest) * decay + gain * current;

        public bool Fire(float v) => v >= theta;

        public float Reset(float v) => subtract ? v - theta : rest;
    }
}
