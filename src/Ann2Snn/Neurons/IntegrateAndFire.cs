namespace Ann2Snn.Neurons;

/// <summary>
/// Integrate-and-fire, non-leaky ("if"): the neuron a ReLU converts to (M2). Under constant input I ≥ 0 it fires at
/// I/V_th per unit time, the ReLU's transfer function, up to one spike per step.
/// <list type="bullet">
/// <item>Continuous: dV/dt = I. Under constant I, V(t) = V + I·t, which reaches V_th after (V_th − V)/I when I &gt; 0 and
/// never otherwise.</item>
/// <item>Charge, exact for input constant over the step: V ← V + I·Δt (input gain Δt).</item>
/// <item>Fire: a spike when V ≥ V_th.</item>
/// <item>Reset: by subtraction, V ← V − V_th; to zero, V ← 0.</item>
/// <item>Signed spikes (<see cref="NeuronParameters.SignedSpikes"/>) are allowed, with reset by subtraction and no refractory
/// period; the kernels step them (with the net spike count they keep), not <see cref="Step"/>.</item>
/// </list>
/// Units: V and V_th in the voltage unit, I in voltage per unit time, Δt in the time unit. τm, V_rest and R are not read.
/// </summary>
public sealed class IntegrateAndFire : NeuronModel
{
    internal IntegrateAndFire()
    {
    }

    public override string Name => "if";

    public override bool AllowsSignedSpikes => true;

    /// <summary>Nothing beyond the shared parameters.</summary>
    public override void Validate(in NeuronParameters p)
    {
    }

    public override NeuronParameters ForConversion(float threshold, float tauMem) => NeuronParameters.IntegrateAndFire(threshold);

    /// <summary>Δt.</summary>
    public override float InputGain(in NeuronParameters p) => p.Dt;

    /// <summary>0.</summary>
    public override float ResetPotential(in NeuronParameters p) => 0f;

    public override int Step(in NeuronParameters p, Span<float> v, Span<int> refractory, ReadOnlySpan<float> current, Span<float> spikes) =>
        Step(new Rule(p.InputGain, p.VThreshold, p.Reset == ResetMode.BySubtraction), p.RefractorySteps, p.BurstLimit, v, refractory,
            current, spikes);

    /// <summary>(V_th − V)/I for I &gt; 0.</summary>
    public override double TimeToThreshold(in NeuronParameters p, double v, double current)
    {
        if (v >= p.VThreshold) return 0;
        return current > 0 ? (p.VThreshold - v) / current : double.PositiveInfinity;
    }

    /// <summary>V + I·t.</summary>
    public override double Advance(in NeuronParameters p, double v, double current, double duration) => v + current * duration;

    private readonly struct Rule(float gain, float theta, bool subtract) : IStepRule
    {
        public float Charge(float v, float current) => v + gain * current;

        public bool Fire(float v) => v >= theta;

        public float Reset(float v) => subtract ? v - theta : 0f;
    }
}
