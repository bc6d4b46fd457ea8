using System.Numerics;

namespace Ann2Snn.Neurons;

/// <summary>
/// Integrate-and-fire with a constant leak towards zero ("linear-leak", the linear leak of TrueNorth-style hardware): the
/// membrane drifts towards 0 at a fixed rate λ = V_th/τm, whatever its distance from 0.
/// <list type="bullet">
/// <item>Continuous: dV/dt = I − λ·sign(V), and V stays at 0 while |I| ≤ λ. Under constant I, V moves at I − λ above 0 and
/// at I + λ below it; from V ≥ 0 it reaches V_th after (V_th − V)/(I − λ) when I &gt; λ, from V &lt; 0 after
/// −V/(I + λ) + V_th/(I − λ), and never when I ≤ λ.</item>
/// <item>Charge, exact for input constant over the step: V ← V advanced by Δt under that flow (input gain Δt).</item>
/// <item>Fire: a spike when V ≥ V_th.</item>
/// <item>Reset: by subtraction, V ← V − V_th; to zero, V ← 0.</item>
/// </list>
/// Units: V and V_th in the voltage unit, I and λ in voltage per unit time, τm (the time the leak takes to drain V_th) and
/// Δt in the time unit. V_rest and R are not read.
/// </summary>
public sealed class LinearLeakIntegrateAndFire : NeuronModel
{
    internal LinearLeakIntegrateAndFire()
    {
    }

    public override string Name => "linear-leak";

    /// <summary>τm &gt; 0 (+∞: no leak).</summary>
    public override void Validate(in NeuronParameters p)
    {
        if (!(p.TauMem > 0)) ThrowHelper.InvalidOption("tau-mem", $"τm = {p.TauMem} must be positive");
    }

    /// <summary>λ = V_th/τm per step.</summary>
    public override NeuronParameters ForConversion(float threshold, float tauMem) =>
        new() { Model = this, VThreshold = threshold, TauMem = tauMem };

    /// <summary>The leak rate λ = V_th/τm.</summary>
    public static float Leak(in NeuronParameters p) => p.VThreshold / p.TauMem;

    /// <summary>Δt.</summary>
    public override float InputGain(in NeuronParameters p) => p.Dt;

    /// <summary>0.</summary>
    public override float ResetPotential(in NeuronParameters p) => 0f;

    public override int Step(in NeuronParameters p, Span<float> v, Span<int> refractory, ReadOnlySpan<float> current, Span<float> spikes) =>
        Step(new Rule(p.Dt, Leak(p), p.VThreshold, p.Reset == ResetMode.BySubtraction), p.RefractorySteps, v, refractory, current, spikes);

    public override double TimeToThreshold(in NeuronParameters p, double v, double current)
    {
        if (v >= p.VThreshold) return 0;
        double leak = Leak(p), toZero = 0;
        if (v < 0)
        {
            if (current + leak <= 0) return double.PositiveInfinity;
            toZero = -v / (current + leak);
            v = 0;
        }
        return current > leak ? toZero + (p.VThreshold - v) / (current - leak) : double.PositiveInfinity;
    }

    public override double Advance(in NeuronParameters p, double v, double current, double duration) => Flow(v, current, Leak(p), duration);

    /// <summary>V after <paramref name="t"/> under dV/dt = I − λ·sign(V), held at 0 while |I| ≤ λ.</summary>
    private static T Flow<T>(T v, T current, T leak, T t)
        where T : IFloatingPointIeee754<T>
    {
        T rate = v > T.Zero || (v == T.Zero && current > leak) ? current - leak
            : v < T.Zero || current < -leak ? current + leak
            : T.Zero;
        if (v != T.Zero && T.Sign(rate) == -T.Sign(v))
        {
            T toZero = -v / rate;
            if (t > toZero) return Flow(T.Zero, current, leak, t - toZero);
        }
        return v + rate * t;
    }

    private readonly struct Rule(float dt, float leak, float theta, bool subtract) : IStepRule
    {
        public float Charge(float v, float current) => Flow(v, current, leak, dt);

        public bool Fire(float v) => v >= theta;

        public float Reset(float v) => subtract ? v - theta : 0f;
    }
}
