using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Ann2Snn.Neurons;

namespace Ann2Snn.Kernels;

/// <summary>
/// One time step of a population over spans: charge, fire, reset, in that order (the equations are the model's: see
/// <see cref="NeuronModel"/>). Spikes are written as 0 or 1, as 0..B under a burst limit B
/// (<see cref="NeuronParameters.BurstLimit"/>), or by <see cref="StepSigned"/> as −1, 0 or +1. Each call looks at the
/// model once: the hot case (IF, reset by subtraction, no refractory period) has vector paths here, and any other neuron
/// is stepped by its model's scalar <see cref="NeuronModel.Step"/>; no loop calls a virtual method per neuron.
/// </summary>
[SkipLocalsInit]
public static class NeuronKernels
{
    /// <summary>
    /// Advances every neuron one step under input current <paramref name="current"/>; returns the number of spikes (Σk over
    /// the neurons' bursts of k spikes).
    /// <paramref name="refractory"/> holds the remaining refractory steps per neuron (used only when τ_ref &gt; 0).
    /// </summary>
    public static int Step(in NeuronParameters p, Span<float> v, Span<int> refractory, ReadOnlySpan<float> current, Span<float> spikes)
    {
        if (current.Length != v.Length || spikes.Length != v.Length)
        {
            throw new ArgumentException($"spans differ in length: v {v.Length}, current {current.Length}, spikes {spikes.Length}");
        }
        if (p.SignedSpikes) throw new ArgumentException("signed neurons keep a net spike count: step them with StepSigned");
        if (p.RefractorySteps == 0 && p.Model is IntegrateAndFire && p.Reset == ResetMode.BySubtraction)
        {
            return p.BurstLimit == 1
                ? StepIfSubtract<OneSpike>(v, current, p.InputGain, p.VThreshold, 1, spikes)
                : StepIfSubtract<Bursts>(v, current, p.InputGain, p.VThreshold, p.BurstLimit, spikes);
        }
        if (p.RefractorySteps > 0 && refractory.Length != v.Length)
        {
            throw new ArgumentException($"refractory span has {refractory.Length} elements, expected {v.Length}");
        }
        return p.Model.Step(p, v, refractory, current, spikes);
    }

    /// <summary>
    /// The conversion's hot case, IF with reset by subtraction and no refractory period:
    /// v += g·I; s = v ≥ θ; v −= s·θ, and with a burst limit B &gt; 1 (<typeparamref name="TFire"/> = <see cref="Bursts"/>)
    /// the fire and reset B times, k = min(B, ⌊v/θ⌋) spikes with each subtraction rounded as a single spike's (the scalar
    /// model's loop, bit for bit). Vector path over <see cref="Vector256{T}"/> lanes (8 floats), then a scalar tail; both
    /// round alike (no fused multiply-add).
    /// </summary>
    private static int StepIfSubtract<TFire>(Span<float> v, ReadOnlySpan<float> current, float gain, float theta, int burst,
        Span<float> spikes)
        where TFire : struct, IFire
    {
        int n = v.Length, i = 0, count = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            ref float vr = ref v[0];
            ref float cr = ref Unsafe.AsRef(in current[0]);
            ref float sr = ref spikes[0];
            var th = Vector256.Create(theta);
            var g = Vector256.Create(gain);
            var total = Vector256<int>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var vv = Vector256.LoadUnsafe(ref vr, (nuint)i) + g * Vector256.LoadUnsafe(ref cr, (nuint)i);
                var k = TFire.Fire(ref vv, th, burst);
                vv.StoreUnsafe(ref vr, (nuint)i);
                k.StoreUnsafe(ref sr, (nuint)i);
                total += Vector256.ConvertToInt32(k);
            }
            count = Vector256.Sum(total);
        }
        for (; i < n; i++)
        {
            float vv = v[i] + gain * current[i];
            int k = TFire.Fire(ref vv, theta, burst);
            spikes[i] = k;
            count += k;
            v[i] = vv;
        }
        return count;
    }

    /// <summary>Fire and reset by subtraction of charged membranes: the spikes (0..B as floats), the membranes reset in place.</summary>
    private interface IFire
    {
        static abstract Vector256<float> Fire(ref Vector256<float> v, Vector256<float> theta, int burst);
        static abstract int Fire(ref float v, float theta, int burst);
    }

    /// <summary>One spike at most: s = v ≥ θ; v −= s·θ.</summary>
    private readonly struct OneSpike : IFire
    {
        public static Vector256<float> Fire(ref Vector256<float> v, Vector256<float> theta, int burst)
        {
            var fired = Vector256.GreaterThanOrEqual(v, theta);        // all-ones lanes where v ≥ θ
            v -= fired & theta;
            return fired & Vector256<float>.One;
        }

        public static int Fire(ref float v, float theta, int burst)
        {
            if (v < theta) return 0;
            v -= theta;
            return 1;
        }
    }

    /// <summary>Up to B spikes: B rounds of s += v ≥ θ; v −= (v ≥ θ)·θ, left early once no lane is at threshold.</summary>
    private readonly struct Bursts : IFire
    {
        public static Vector256<float> Fire(ref Vector256<float> v, Vector256<float> theta, int burst)
        {
            var k = Vector256<float>.Zero;
            for (int r = 0; r < burst; r++)
            {
                var fired = Vector256.GreaterThanOrEqual(v, theta);
                if (fired == Vector256<float>.Zero) break;
                v -= fired & theta;
                k += fired & Vector256<float>.One;
            }
            return k;
        }

        public static int Fire(ref float v, float theta, int burst)
        {
            int k = 0;
            for (; k < burst && v >= theta; k++) v -= theta;
            return k;
        }
    }

    /// <summary>
    /// The step of <see cref="Step"/> for the hot case (IF, reset by subtraction, no refractory period, unsigned), but the
    /// spikes are written as the ascending positions of the neurons that fired (<paramref name="fired"/>) rather than as
    /// a 0/1 vector: the event-driven backend's active list, in one pass. Same arithmetic as <see cref="Step"/>, so the
    /// same membranes and spikes. Returns the number of spikes.
    /// </summary>
    public static int StepListed(in NeuronParameters p, Span<float> v, ReadOnlySpan<float> current, Span<int> fired)
    {
        CheckListed(p, v, current, fired, nameof(StepListed));
        return Listed<ChargeThenFire>(v, current, p.InputGain, p.VThreshold, fired);
    }

    /// <summary>
    /// For membranes that already hold this step's input (the event backend adds the synaptic input straight to them):
    /// fires and resets as <see cref="StepListed"/> does, then adds <paramref name="next"/>, the constant part of the
    /// next step's input: s = v ≥ θ; v ← (v − s·θ) + next. Needs an input gain of 1. Returns the number of spikes.
    /// </summary>
    public static int FireListedThenCharge(in NeuronParameters p, Span<float> v, ReadOnlySpan<float> next, Span<int> fired)
    {
        CheckListed(p, v, next, fired, nameof(FireListedThenCharge));
        if (p.InputGain != 1f) throw new ArgumentException($"{nameof(FireListedThenCharge)} needs an input gain of 1, not {p.InputGain}");
        return Listed<FireThenCharge>(v, next, 1f, p.VThreshold, fired);
    }

    private static void CheckListed(in NeuronParameters p, Span<float> v, ReadOnlySpan<float> input, Span<int> fired, string kernel)
    {
        if (input.Length != v.Length || fired.Length < v.Length)
        {
            throw new ArgumentException($"spans differ in length: v {v.Length}, input {input.Length}, fired {fired.Length}");
        }
        if (!IsListable(p)) throw new ArgumentException($"{kernel} takes IF neurons with reset by subtraction, "
            + "no refractory period, unsigned spikes and no bursts");
    }

    /// <summary>The listed step: <typeparamref name="TMode"/> says whether the input is added before firing or after the reset.</summary>
    private static int Listed<TMode>(Span<float> v, ReadOnlySpan<float> input, float gain, float theta, Span<int> fired)
        where TMode : struct, IListedMode
    {
        int n = v.Length, i = 0, count = 0;
        ref int dst = ref MemoryMarshal.GetReference(fired);
        ref float vr = ref MemoryMarshal.GetReference(v);
        ref float cr = ref MemoryMarshal.GetReference(input);
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var th = Vector512.Create(theta);
            var g = Vector512.Create(gain);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var c = Vector512.LoadUnsafe(ref cr, (nuint)i);
                var vv = TMode.Before(Vector512.LoadUnsafe(ref vr, (nuint)i), g, c);
                var up = Vector512.GreaterThanOrEqual(vv, th);
                TMode.After(vv - (up & th), c).StoreUnsafe(ref vr, (nuint)i);
                for (ulong mask = up.ExtractMostSignificantBits(); mask != 0; mask &= mask - 1)
                    Unsafe.Add(ref dst, count++) = i + BitOperations.TrailingZeroCount(mask);
            }
        }
        if (Vector256.IsHardwareAccelerated && n - i >= Vector256<float>.Count)
        {
            var th = Vector256.Create(theta);
            var g = Vector256.Create(gain);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var c = Vector256.LoadUnsafe(ref cr, (nuint)i);
                var vv = TMode.Before(Vector256.LoadUnsafe(ref vr, (nuint)i), g, c);
                var up = Vector256.GreaterThanOrEqual(vv, th);
                TMode.After(vv - (up & th), c).StoreUnsafe(ref vr, (nuint)i);
                for (uint mask = up.ExtractMostSignificantBits(); mask != 0; mask &= mask - 1)
                    Unsafe.Add(ref dst, count++) = i + BitOperations.TrailingZeroCount(mask);
            }
        }
        for (; i < n; i++)
        {
            float c = Unsafe.Add(ref cr, i);
            float vv = TMode.Before(Unsafe.Add(ref vr, i), gain, c);
            if (vv >= theta)
            {
                vv -= theta;
                Unsafe.Add(ref dst, count++) = i;
            }
            Unsafe.Add(ref vr, i) = TMode.After(vv, c);
        }
        return count;
    }

    /// <summary>Where a listed step adds its input: before firing (v + g·I), or after the reset (the next step's constant part).</summary>
    private interface IListedMode
    {
        static abstract float Before(float v, float g, float c);
        static abstract float After(float v, float c);
        static abstract Vector256<float> Before(Vector256<float> v, Vector256<float> g, Vector256<float> c);
        static abstract Vector256<float> After(Vector256<float> v, Vector256<float> c);
        static abstract Vector512<float> Before(Vector512<float> v, Vector512<float> g, Vector512<float> c);
        static abstract Vector512<float> After(Vector512<float> v, Vector512<float> c);
    }

    private readonly struct ChargeThenFire : IListedMode
    {
        public static float Before(float v, float g, float c) => v + g * c;
        public static float After(float v, float c) => v;
        public static Vector256<float> Before(Vector256<float> v, Vector256<float> g, Vector256<float> c) => v + g * c;
        public static Vector256<float> After(Vector256<float> v, Vector256<float> c) => v;
        public static Vector512<float> Before(Vector512<float> v, Vector512<float> g, Vector512<float> c) => v + g * c;
        public static Vector512<float> After(Vector512<float> v, Vector512<float> c) => v;
    }

    private readonly struct FireThenCharge : IListedMode
    {
        public static float Before(float v, float g, float c) => v;
        public static float After(float v, float c) => v + c;
        public static Vector256<float> Before(Vector256<float> v, Vector256<float> g, Vector256<float> c) => v;
        public static Vector256<float> After(Vector256<float> v, Vector256<float> c) => v + c;
        public static Vector512<float> Before(Vector512<float> v, Vector512<float> g, Vector512<float> c) => v;
        public static Vector512<float> After(Vector512<float> v, Vector512<float> c) => v + c;
    }

    /// <summary>Whether <see cref="StepListed"/> takes neurons with parameters <paramref name="p"/>.</summary>
    public static bool IsListable(in NeuronParameters p) =>
        p.Model is IntegrateAndFire && p.Reset == ResetMode.BySubtraction && p.RefractorySteps == 0 && !p.SignedSpikes
        && p.BurstLimit == 1;

    /// <summary>
    /// Advances every signed neuron (<see cref="NeuronParameters.SignedSpikes"/>) one step; <paramref name="counts"/> holds each
    /// neuron's net spike count and is updated. Writes k per neuron; returns the number of events (Σ|k|).
    /// Per neuron: v += g·I; then k = min(B, ⌊v/θ⌋) when v ≥ θ, else k = −min(B, count, ⌈−v/θ⌉) when v &lt; 0 (a burst
    /// limit B &gt; 1 takes back several at once), else 0; v −= k·θ, count += k. B = 1: ±1 spikes.
    /// </summary>
    public static int StepSigned(in NeuronParameters p, Span<float> v, Span<int> counts, ReadOnlySpan<float> current, Span<float> spikes)
    {
        if (current.Length != v.Length || spikes.Length != v.Length || counts.Length != v.Length)
        {
            throw new ArgumentException($"spans differ in length: v {v.Length}, counts {counts.Length}, "
                + $"current {current.Length}, spikes {spikes.Length}");
        }
        if (!p.SignedSpikes) throw new ArgumentException("StepSigned needs parameters with SignedSpikes set");
        p.Validate();
        float gain = p.InputGain, theta = p.VThreshold;
        int n = v.Length, i = 0, events = 0, burst = p.BurstLimit;
        if (burst == 1 && Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            ref float vr = ref v[0];
            ref float cr = ref Unsafe.AsRef(in current[0]);
            ref float sr = ref spikes[0];
            ref int kr = ref counts[0];
            var th = Vector256.Create(theta);
            var g = Vector256.Create(gain);
            var one = Vector256<float>.One;
            var minusOne = Vector256.Create(-1f);
            var total = Vector256<int>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var vv = Vector256.LoadUnsafe(ref vr, (nuint)i) + g * Vector256.LoadUnsafe(ref cr, (nuint)i);
                var k = Vector256.LoadUnsafe(ref kr, (nuint)i);
                var up = Vector256.GreaterThanOrEqual(vv, th);
                var down = Vector256.AndNot(Vector256.LessThan(vv, Vector256<float>.Zero)
                    & Vector256.GreaterThan(k, Vector256<int>.Zero).AsSingle(), up);
                (vv - (up & th) + (down & th)).StoreUnsafe(ref vr, (nuint)i);
                ((up & one) | (down & minusOne)).StoreUnsafe(ref sr, (nuint)i);
                (k - up.AsInt32() + down.AsInt32()).StoreUnsafe(ref kr, (nuint)i); // all-ones lanes = −1
                total -= (up | down).AsInt32();
            }
            events = Vector256.Sum(total);
        }
        for (; i < n; i++)
        {
            float vv = v[i] + gain * current[i];
            int k = vv >= theta ? Math.Min(burst, (int)(vv / theta))
                : vv < 0f ? -Math.Min(Math.Min(burst, counts[i]), (int)MathF.Ceiling(-vv / theta))
                : 0;
            counts[i] += k;
            v[i] = vv - k * theta;
            spikes[i] = k;
            events += Math.Abs(k);
        }
        return events;
    }

    /// <summary>
    /// Advances every signed neuron with a negative branch of gain α one step (LeakyRelu/PRelu populations): it encodes
    /// f(Q) = Q for Q ≥ 0, α·Q below, of its input charge Q, as a net count c = ⌊(V(0) + f(Q))/θ⌋ while f(Q) moves by at
    /// most θ a step (then u below stays in [0, θ)). <paramref name="charge"/> holds each neuron's input charge Q and
    /// <paramref name="counts"/> its net count c, both updated; <paramref name="negativeGain"/> holds α per neuron.
    /// Per neuron: Q += g·I; y = Q ≥ 0 ? Q : α·Q; u = V(0) + y − c·θ; k = min(B, ⌊u/θ⌋) when u ≥ θ, −min(B, ⌈−u/θ⌉)
    /// when u &lt; 0, else 0; c += k; v = u − k·θ. With a burst limit B, f(Q) may move by B·θ a step. Writes k per neuron;
    /// returns the number of events (Σ|k|).
    /// </summary>
    public static int StepSignedLeaky(in NeuronParameters p, ReadOnlySpan<float> negativeGain, Span<float> charge, Span<int> counts,
        Span<float> v, ReadOnlySpan<float> current, Span<float> spikes)
    {
        int n = v.Length;
        if (current.Length != n || spikes.Length != n || counts.Length != n || charge.Length != n || negativeGain.Length != n)
        {
            throw new ArgumentException($"spans differ in length: v {n}, counts {counts.Length}, charge {charge.Length}, "
                + $"gain {negativeGain.Length}, current {current.Length}, spikes {spikes.Length}");
        }
        if (!p.SignedSpikes) throw new ArgumentException("StepSignedLeaky needs parameters with SignedSpikes set");
        p.Validate();
        float gain = p.InputGain, theta = p.VThreshold, v0 = p.InitialPotential;
        int i = 0, events = 0, burst = p.BurstLimit;
        if (burst == 1 && Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            // Eight neurons per lane group; the remainder goes through the scalar loop below, which computes the same.
            ref float vr = ref v[0];
            ref float qr = ref charge[0];
            ref float ar = ref Unsafe.AsRef(in negativeGain[0]);
            ref float cr = ref Unsafe.AsRef(in current[0]);
            ref float sr = ref spikes[0];
            ref int kr = ref counts[0];
            var th = Vector256.Create(theta);
            var g = Vector256.Create(gain);
            var start = Vector256.Create(v0);
            var one = Vector256<float>.One;
            var minusOne = Vector256.Create(-1f);
            var total = Vector256<int>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var q = Vector256.LoadUnsafe(ref qr, (nuint)i) + g * Vector256.LoadUnsafe(ref cr, (nuint)i);
                q.StoreUnsafe(ref qr, (nuint)i);
                var y = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(q, Vector256<float>.Zero), q,
                    Vector256.LoadUnsafe(ref ar, (nuint)i) * q);
                var k = Vector256.LoadUnsafe(ref kr, (nuint)i);
                var u = start + y - Vector256.ConvertToSingle(k) * th;
                var up = Vector256.GreaterThanOrEqual(u, th);
                var down = Vector256.AndNot(Vector256.LessThan(u, Vector256<float>.Zero), up);
                (u - (up & th) + (down & th)).StoreUnsafe(ref vr, (nuint)i);
                ((up & one) | (down & minusOne)).StoreUnsafe(ref sr, (nuint)i);
                (k - up.AsInt32() + down.AsInt32()).StoreUnsafe(ref kr, (nuint)i); // all-ones lanes = −1
                total -= (up | down).AsInt32();
            }
            events = Vector256.Sum(total);
        }
        for (; i < n; i++)
        {
            float q = charge[i] + gain * current[i];
            charge[i] = q;
            float y = q >= 0f ? q : negativeGain[i] * q;
            float u = v0 + y - counts[i] * theta;
            int k = u >= theta ? Math.Min(burst, (int)(u / theta)) : u < 0f ? -Math.Min(burst, (int)MathF.Ceiling(-u / theta)) : 0;
            counts[i] += k;
            v[i] = u - k * theta;
            spikes[i] = k;
            events += Math.Abs(k);
        }
        return events;
    }
}
