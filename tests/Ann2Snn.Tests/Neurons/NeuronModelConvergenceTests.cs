using Ann2Snn.Analysis;
using Ann2Snn.Neurons;

namespace Ann2Snn.Tests.Neurons;

/// <summary>
/// Every registered model against itself: its discrete step converges to its exact continuous-time solution as Δt → 0,
/// and that solution is consistent (property tests over random parameters, fixed seeds).
/// </summary>
public class NeuronModelConvergenceTests
{
    public static TheoryData<string> Names => NeuronModelsTests.Names;

    private static readonly double[] Dts = [0.1, 0.025, 0.01]; // each divides the whole time units of the input

    [Theory]
    [MemberData(nameof(Names))]
    public void SteppedSpikeTimesConvergeToTheExactOnesAsDtShrinks(string name)
    {
        // Non-decreasing input in whole time units, so that every step sees one current and a neuron that restarts late
        // never catches up: the stepped neuron lags the exact one, by less than a step per spike so far for a charge that
        // is exact over a step, and at most one more per spike with a leak and reset by subtraction (reset late by d < Δt).
        // That bound, C·Δt with C fixed by the draw, is the convergence; the error itself need not shrink monotonically
        // between two Δt (it is a sum of where in their steps the crossings fell).
        NeuronModel model = NeuronModels.Find(name)!;
        var rng = new Random(20_250);
        int draws = 0;
        for (int draw = 0; draw < 24; draw++)
        {
            ContinuousNeuron neuron = RandomNeuron(model, rng);
            float theta = neuron.Parameters.VThreshold;
            double[] currents = [.. Enumerable.Range(0, 3).Select(_ => theta * Uniform(rng, 0.3, 3)).Order()];
            InputSegment[] input = [.. currents.Select(c => new InputSegment(rng.Next(2, 6), c))];
            double horizon = input.Sum(s => s.Duration);
            double[] exact = ExactNeuron.SpikeTimes(neuron, input, horizon);
            if (exact.Length < 3) continue;
            draws++;
            foreach (double dt in Dts)
            {
                double[] stepped = SteppedSpikeTimes(neuron, input, dt);
                string what = $"{neuron} under {string.Join(", ", input)}, Δt = {dt}";
                // Lagging, it may miss the last spikes (those within the lag of the horizon), never fire one more.
                int due = exact.Where((t, i) => t + Lag(neuron, i, t, dt).Most <= horizon).Count();
                Assert.True(stepped.Length <= exact.Length && stepped.Length >= due, $"{what}: {stepped.Length} spikes of {exact.Length}");
                for (int i = 0; i < Math.Min(stepped.Length, exact.Length); i++)
                {
                    double lag = stepped[i] - exact[i];
                    (double least, double most) = Lag(neuron, i, exact[i], dt);
                    Assert.True(lag >= least && lag <= most, $"{what}: spike {i} at {stepped[i]}, exact {exact[i]}");
                }
            }
        }
        Assert.True(draws >= 16, $"only {draws} draws fired three times");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ExactSolutionIsConsistent(string name)
    {
        // Advance reaches V_th exactly at TimeToThreshold and stays below it before; advancing twice is advancing once.
        NeuronModel model = NeuronModels.Find(name)!;
        var rng = new Random(7_113);
        for (int draw = 0; draw < 200; draw++)
        {
            NeuronParameters p = RandomNeuron(model, rng).Parameters;
            double v = p.ResetPotential + Uniform(rng, -0.5, 0.99) * (p.VThreshold - p.ResetPotential);
            double current = p.VThreshold * Uniform(rng, -1, 3);
            double t = model.TimeToThreshold(p, v, current);
            Assert.Equal(0, model.TimeToThreshold(p, p.VThreshold, current));
            Assert.True(t > 0, $"{p}: V = {v}, I = {current}: time to threshold {t}");
            if (double.IsFinite(t))
            {
                Assert.Equal(p.VThreshold, model.Advance(p, v, current, t), 1e-9);
                Assert.True(model.Advance(p, v, current, 0.99 * t) < p.VThreshold);
                Assert.Equal(1 / (0.5 + model.TimeToThreshold(p, model.PotentialAfterSpike(p), current)), model.Rate(p, current, 0.5), 12);
            }
            else
            {
                Assert.True(model.Advance(p, v, current, 1e4) < p.VThreshold);
                Assert.Equal(0, model.Rate(p, current));
            }
            double a = Uniform(rng, 0, 2), b = Uniform(rng, 0, 2);
            Assert.Equal(model.Advance(p, v, current, a + b), model.Advance(p, model.Advance(p, v, current, a), current, b), 1e-9);
        }
    }

    /// <summary>
    /// The least and the most the stepped neuron may lag at spike <paramref name="i"/> (0-based) at time <paramref name="t"/>:
    /// 0 to two steps per spike so far, give or take float32 noise. That noise is mostly a leak's: e^(−Δt/τm) is rounded to
    /// 2^−24, which changes the effective τm by up to 2^−25·τm/Δt relative, and so the spike times by as much.
    /// </summary>
    private static (double Least, double Most) Lag(in ContinuousNeuron neuron, int i, double t, double dt)
    {
        double tau = neuron.Parameters.TauMem, noise = 1e-5 + (double.IsFinite(tau) ? 1e-7 * t * tau / dt : 0);
        return (-noise, 2 * (i + 1) * dt + noise);
    }

    /// <summary>Converted parameters (<see cref="NeuronModel.ForConversion"/>) with random θ, τm, reset, τ_ref and V(0).</summary>
    private static ContinuousNeuron RandomNeuron(NeuronModel model, Random rng)
    {
        NeuronParameters p = model.ForConversion((float)Uniform(rng, 0.5, 2), (float)Uniform(rng, 4, 20)) with
        {
            Reset = rng.Next(2) == 0 ? ResetMode.BySubtraction : ResetMode.ToZero,
        };
        float v0 = p.ResetPotential + (float)Uniform(rng, 0, 0.9) * (p.VThreshold - p.ResetPotential);
        return new ContinuousNeuron { Parameters = p, RefractoryTime = 0.5 * rng.Next(3), V0 = v0 };
    }

    /// <summary>The model's own scalar step at Δt (every step inside one segment); a spike in step n is reported at nΔt.</summary>
    private static double[] SteppedSpikeTimes(in ContinuousNeuron neuron, InputSegment[] input, double dt)
    {
        NeuronParameters p = neuron.ToStepped(dt);
        p.Validate();
        Span<float> v = [(float)neuron.V0], current = [0f], spike = [0f];
        Span<int> refractory = [0];
        var times = new List<double>();
        double end = 0;
        int n = 0;
        foreach (InputSegment s in input)
        {
            end += s.Duration;
            current[0] = (float)s.Current;
            for (; (n + 0.5) * dt < end; n++)
            {
                if (p.Model.Step(p, v, refractory, current, spike) > 0) times.Add((n + 1) * dt);
            }
        }
        return [.. times];
    }

    private static double Uniform(Random rng, double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
}
