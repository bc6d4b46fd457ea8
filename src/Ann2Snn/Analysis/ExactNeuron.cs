using Ann2Snn.Snn;

namespace Ann2Snn.Analysis;

/// <summary>A stretch of constant input current: <paramref name="Current"/> for <paramref name="Duration"/> time units.</summary>
public readonly record struct InputSegment(double Duration, double Current);

/// <summary>
/// Continuous-time integrate-and-fire neuron (the M6 reference for the stepped simulator), in double precision.
/// <list type="bullet">
/// <item>Charge: IF (τm = ∞), dV/dt = I. LIF, τm dV/dt = −(V − V_rest) + R·I.</item>
/// <item>Fire: a spike at the instant V reaches V_th (and the neuron is not refractory).</item>
/// <item>Reset: by subtraction, V ← V − V_th (= 0 at the crossing); to zero, V ← V_rest (0 for IF).</item>
/// <item>Refractory: for <see cref="RefractoryTime"/> after a spike the membrane is held and no input is integrated.</item>
/// </list>
/// Units as in <see cref="NeuronParameters"/>: voltages in one unit, I in voltage per unit time for IF (R unused),
/// τm and τ_ref in the time unit of the input segments.
/// </summary>
public readonly record struct ContinuousNeuron
{
    public double Threshold { get; init; }
    public ResetMode Reset { get; init; }

    /// <summary>Membrane time constant τm; <see cref="double.PositiveInfinity"/> for a non-leaky IF neuron.</summary>
    public double TauMem { get; init; }

    /// <summary>Resting potential (LIF; an IF neuron resets to zero).</summary>
    public double VRest { get; init; }

    /// <summary>Membrane resistance R (LIF).</summary>
    public double Resistance { get; init; }

    /// <summary>Absolute refractory period τ_ref in time units (0 = none).</summary>
    public double RefractoryTime { get; init; }

    /// <summary>Membrane potential at t = 0.</summary>
    public double V0 { get; init; }

    public bool IsLeaky => !double.IsPositiveInfinity(TauMem);

    /// <summary>Potential after a reset to zero: V_rest for LIF, 0 for IF.</summary>
    public double ResetPotential => IsLeaky ? VRest : 0;

    public static ContinuousNeuron IntegrateAndFire(double threshold = 1, ResetMode reset = ResetMode.BySubtraction, double refractoryTime = 0, double v0 = 0) =>
        new() { Threshold = threshold, Reset = reset, TauMem = double.PositiveInfinity, Resistance = 1, RefractoryTime = refractoryTime, V0 = v0 };

    public static ContinuousNeuron LeakyIntegrateAndFire(double tauMem, double threshold = 1, ResetMode reset = ResetMode.ToZero, double vRest = 0, double resistance = 1, double refractoryTime = 0, double? v0 = null) =>
        new() { Threshold = threshold, Reset = reset, TauMem = tauMem, VRest = vRest, Resistance = resistance, RefractoryTime = refractoryTime, V0 = v0 ?? vRest };

    /// <summary>The stepped model of this neuron at step Δt: τ_ref rounded to whole steps; V(0) is set by the caller.</summary>
    public NeuronParameters ToStepped(double dt) => new()
    {
        Kind = IsLeaky ? NeuronKind.Lif : NeuronKind.If,
        VThreshold = (float)Threshold,
        Reset = Reset,
        TauMem = (float)TauMem,
        VRest = IsLeaky ? (float)VRest : 0f,
        Resistance = (float)Resistance,
        RefractorySteps = (int)Math.Round(RefractoryTime / dt),
        Dt = (float)dt,
    };

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the parameter when a value is outside its domain.</summary>
    public void Validate()
    {
        if (!(Threshold > 0) || !double.IsFinite(Threshold)) ThrowHelper.InvalidOption("threshold", $"V_th = {Threshold} must be positive and finite");
        if (!(TauMem > 0)) ThrowHelper.InvalidOption("tau-mem", $"τm = {TauMem} must be positive (∞ for IF)");
        if (!(RefractoryTime >= 0) || !double.IsFinite(RefractoryTime)) ThrowHelper.InvalidOption("refractory", $"τ_ref = {RefractoryTime} must be finite and not negative");
        if (!double.IsFinite(V0) || V0 >= Threshold) ThrowHelper.InvalidOption("v-init", $"V0 = {V0} must be finite and below V_th = {Threshold}");
        if (IsLeaky)
        {
            if (!(Resistance > 0) || !double.IsFinite(Resistance)) ThrowHelper.InvalidOption("resistance", $"R = {Resistance} must be positive and finite");
            if (!double.IsFinite(VRest) || VRest >= Threshold) ThrowHelper.InvalidOption("v-rest", $"V_rest = {VRest} must be finite and below V_th = {Threshold}");
        }
    }
}

/// <summary>
/// Exact spike times of a <see cref="ContinuousNeuron"/> under piecewise-constant input, from the closed-form time of
/// the next threshold crossing within each segment: IF, t* = (V_th − V)/I when I &gt; 0; LIF, with
/// V(t) = V∞ + (V − V∞)·e^(−t/τm) and V∞ = V_rest + R·I, t* = τm·ln((V∞ − V)/(V∞ − V_th)) when V∞ &gt; V_th.
/// </summary>
public static class ExactNeuron
{
    /// <summary>
    /// Spike times in (0, <paramref name="horizon"/>] (a crossing exactly at the horizon or at a segment's end counts,
    /// as a stepped neuron fires in its last step). The input is zero after the last segment.
    /// </summary>
    public static double[] SpikeTimes(in ContinuousNeuron neuron, IReadOnlyList<InputSegment> input, double horizon)
    {
        ArgumentNullException.ThrowIfNull(input);
        neuron.Validate();
        if (!(horizon >= 0) || !double.IsFinite(horizon)) ThrowHelper.InvalidOption("horizon", $"horizon {horizon} must be finite and not negative");
        foreach (InputSegment s in input)
        {
            if (!(s.Duration >= 0) || !double.IsFinite(s.Duration) || !double.IsFinite(s.Current))
            {
                ThrowHelper.InvalidOption("input", $"segment ({s.Duration}, {s.Current}): the duration must be finite and not negative, the current finite");
            }
        }

        var spikes = new List<double>();
        double t = 0, v = neuron.V0, refractoryUntil = 0, start = 0;
        for (int k = 0; k <= input.Count && start <= horizon; k++)
        {
            // Past the last segment the input is zero up to the horizon.
            double end = k < input.Count ? Math.Min(start + input[k].Duration, horizon) : horizon;
            double current = k < input.Count ? input[k].Current : 0;
            while (t < end)
            {
                if (t < refractoryUntil)
                {
                    t = Math.Min(refractoryUntil, end);
                    continue;
                }
                double crossing = TimeToThreshold(neuron, v, current);
                if (t + crossing > end)
                {
                    v = Advance(neuron, v, current, end - t);
                    t = end;
                    break;
                }
                t += crossing;
                spikes.Add(t);
                // V = V_th at the crossing, so subtraction leaves exactly 0.
                v = neuron.Reset == ResetMode.BySubtraction ? 0 : neuron.ResetPotential;
                refractoryUntil = t + neuron.RefractoryTime;
            }
            if (k < input.Count) start += input[k].Duration;
        }
        return [.. spikes];
    }

    /// <summary>Time for V to rise from <paramref name="v"/> to V_th under constant <paramref name="current"/>; ∞ when it never does.</summary>
    public static double TimeToThreshold(in ContinuousNeuron neuron, double v, double current)
    {
        if (v >= neuron.Threshold) return 0;
        if (!neuron.IsLeaky) return current > 0 ? (neuron.Threshold - v) / current : double.PositiveInfinity;
        double vInf = neuron.VRest + neuron.Resistance * current;
        return vInf > neuron.Threshold ? neuron.TauMem * Math.Log((vInf - v) / (vInf - neuron.Threshold)) : double.PositiveInfinity;
    }

    /// <summary>Potential after <paramref name="duration"/> of sub-threshold integration under constant <paramref name="current"/>.</summary>
    public static double Advance(in ContinuousNeuron neuron, double v, double current, double duration)
    {
        if (!neuron.IsLeaky) return v + current * duration;
        double vInf = neuron.VRest + neuron.Resistance * current;
        return vInf + (v - vInf) * Math.Exp(-duration / neuron.TauMem);
    }

    /// <summary>Classic LIF rate under constant input from rest (reset to V_rest): f = 1/(τ_ref + τm·ln(R·I/(R·I − V_th + V_rest))); 0 below rheobase.</summary>
    public static double LifRate(in ContinuousNeuron neuron, double current)
    {
        double drive = neuron.Resistance * current, gap = neuron.Threshold - neuron.VRest;
        return drive > gap ? 1 / (neuron.RefractoryTime + neuron.TauMem * Math.Log(drive / (drive - gap))) : 0;
    }
}
