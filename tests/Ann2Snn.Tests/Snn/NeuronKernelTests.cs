using Ann2Snn.Kernels;
using Ann2Snn.Neurons;

namespace Ann2Snn.Tests.Snn;

public class NeuronKernelTests
{
    private static int CountSpikes(NeuronParameters p, float current, int steps, int neurons = 1)
    {
        var v = new float[neurons];
        Array.Fill(v, p.InitialPotential);
        var refractory = new int[neurons];
        var input = new float[neurons];
        Array.Fill(input, current);
        var spikes = new float[neurons];
        int total = 0;
        for (int t = 0; t < steps; t++) total += NeuronKernels.Step(p, v, refractory, input, spikes);
        return total / neurons;
    }

    [Theory]
    [InlineData(0.37f, 0f, 100)]
    [InlineData(0.37f, 0.5f, 100)]
    [InlineData(0.999f, 0f, 64)]
    [InlineData(1.7f, 0f, 50)]
    [InlineData(0.0f, 0.5f, 10)]
    [InlineData(0.125f, 0f, 256)]
    public void IfWithSubtractionMatchesClosedForm(float current, float initialFraction, int steps)
    {
        // Constant input I, threshold θ, reset by subtraction: N = ⌊(V0 + I·T)/θ⌋, capped by T (one spike per step at most).
        const float theta = 1f;
        var p = NeuronParameters.IntegrateAndFire(theta, ResetMode.BySubtraction, initialFraction);
        int expected = (int)Math.Min(steps, Math.Floor((initialFraction * theta + (double)current * steps) / theta + 1e-6));
        Assert.Equal(expected, CountSpikes(p, current, steps));
    }

    [Fact]
    public void ListedStepFiresTheSameNeuronsAsTheVectorStep()
    {
        // Lengths around every vector width and its tails; inputs near the threshold, negative and large.
        var rng = new Random(4321);
        foreach (int n in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 64, 65, 200 })
        {
            var p = NeuronParameters.IntegrateAndFire(0.75f, ResetMode.BySubtraction, 0.5f);
            var v1 = new float[n];
            var v2 = new float[n];
            Array.Fill(v1, p.InitialPotential);
            Array.Fill(v2, p.InitialPotential);
            var spikes = new float[n];
            var fired = new int[n];
            var input = new float[n];
            for (int t = 0; t < 30; t++)
            {
                for (int i = 0; i < n; i++) input[i] = (float)(rng.NextDouble() * 2.0 - 0.4);
                int c1 = NeuronKernels.Step(p, v1, [], input, spikes);
                int c2 = NeuronKernels.StepListed(p, v2, input, fired);
                Assert.Equal(c1, c2);
                Assert.Equal(Enumerable.Range(0, n).Where(i => spikes[i] != 0f), fired[..c2]);
                Assert.Equal(v1, v2);
            }
        }
    }

    [Fact]
    public void FireThenChargeResetsAndAddsTheNextInput()
    {
        // s = v ≥ θ; v ← (v − s·θ) + next, against the scalar definition, over lengths around every vector width.
        var rng = new Random(99);
        var p = NeuronParameters.IntegrateAndFire(0.75f);
        foreach (int n in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 33, 64, 65, 200 })
        {
            float[] v = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2.0 - 0.5)).ToArray();
            float[] next = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.3)).ToArray();
            int[] wantFired = Enumerable.Range(0, n).Where(i => v[i] >= p.VThreshold).ToArray();
            float[] want = Enumerable.Range(0, n).Select(i => (v[i] >= p.VThreshold ? v[i] - p.VThreshold : v[i]) + next[i]).ToArray();
            var fired = new int[n];
            int count = NeuronKernels.FireListedThenCharge(p, v, next, fired);
            Assert.Equal(wantFired, fired[..count]);
            Assert.Equal(want, v);
        }
        Assert.Throws<ArgumentException>(
            () => NeuronKernels.FireListedThenCharge(p with { Dt = 0.5f }, new float[2], new float[2], new int[2]));
    }

    [Fact]
    public void ListedStepRefusesNeuronsItCannotList()
    {
        var v = new float[4];
        Assert.Throws<ArgumentException>(
            () => NeuronKernels.StepListed(NeuronParameters.IntegrateAndFire(1f, ResetMode.ToZero), v, new float[4], new int[4]));
        Assert.Throws<ArgumentException>(
            () => NeuronKernels.StepListed(NeuronParameters.IntegrateAndFire(1f), v, new float[4], new int[3]));
    }

    [Fact]
    public void VectorAndScalarPathsAgreeOnAwkwardLengths()
    {
        var rng = new Random(1234);
        foreach (int n in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65 })
        {
            var p = NeuronParameters.IntegrateAndFire(0.9f);
            var v1 = new float[n];
            var v2 = new float[n];
            var s1 = new float[n];
            var s2 = new float[n];
            var input = new float[n];
            for (int t = 0; t < 20; t++)
            {
                for (int i = 0; i < n; i++) input[i] = (float)(rng.NextDouble() * 1.5 - 0.2);
                int c1 = NeuronKernels.Step(p, v1, [], input, s1);            // vector fast path
                int c2 = p.Model.Step(p, v2, new int[n], input, s2);         // the model's scalar reference step
                Assert.Equal(c2, c1);
                Assert.Equal(s2, s1);
                Assert.Equal(v2, v1);
            }
        }
    }

    [Theory]
    [InlineData(20f, 1.5f, 2)]
    [InlineData(10f, 3f, 0)]
    [InlineData(50f, 1.2f, 5)]
    public void LifRateApproachesClosedFormAsDtShrinks(float tauMem, float current, int refractoryMs)
    {
        // f = 1 / (τ_ref + τm·ln(R·I / (R·I − V_th))) for R·I > V_th, reset to rest (0): the model's closed form.
        const float threshold = 1f, resistance = 1f;
        var continuous = NeuronParameters.LeakyIntegrateAndFire(tauMem, threshold, ResetMode.ToZero, 0f, resistance);
        double expectedRate = continuous.Model.Rate(continuous, current, refractoryMs);
        double drive = (double)resistance * current;
        Assert.Equal(1.0 / (refractoryMs + tauMem * Math.Log(drive / (drive - threshold))), expectedRate, 12);
        double previousError = double.PositiveInfinity;
        foreach (float dt in new[] { 0.5f, 0.05f, 0.005f })
        {
            var p = NeuronParameters.LeakyIntegrateAndFire(tauMem, threshold, ResetMode.ToZero, 0f, resistance, dt) with
            {
                RefractorySteps = (int)Math.Round(refractoryMs / dt),
            };
            const double window = 2000; // time units
            int steps = (int)(window / dt);
            double rate = CountSpikes(p, current, steps) / window;
            double error = Math.Abs(rate - expectedRate) / expectedRate;
            Assert.True(error <= previousError + 1e-3, $"Δt={dt}: relative error {error:g3} grew from {previousError:g3}");
            previousError = error;
        }
        Assert.True(previousError < 0.01, $"relative error {previousError:g3} at the smallest Δt");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    public void RefractoryPeriodCapsTheRate(int refractorySteps)
    {
        // Far above threshold the neuron fires as soon as it may: once every τ_ref + Δt, i.e. f_max = 1/(τ_ref/Δt + 1) per step.
        var p = NeuronParameters.IntegrateAndFire(1f, ResetMode.ToZero) with { RefractorySteps = refractorySteps };
        const int steps = 1000;
        int count = CountSpikes(p, 1000f, steps);
        Assert.Equal((int)Math.Ceiling(steps / (double)(refractorySteps + 1)), count);
    }

    [Fact]
    public void SubtractionKeepsTheResidueWhileResetToZeroLosesIt()
    {
        var sub = NeuronParameters.IntegrateAndFire(1f, ResetMode.BySubtraction);
        var zero = NeuronParameters.IntegrateAndFire(1f, ResetMode.ToZero);
        // I = 0.6: subtraction gives ⌊0.6·T⌋ spikes; reset to zero fires every 2nd step (0.6, 1.2→0, …) = T/2.
        Assert.Equal(60, CountSpikes(sub, 0.6f, 100));
        Assert.Equal(50, CountSpikes(zero, 0.6f, 100));
    }

    [Theory]
    [InlineData(0f, 1f)]
    [InlineData(-1f, 1f)]
    [InlineData(float.NaN, 1f)]
    [InlineData(1f, 0f)]
    public void InvalidParametersAreRefusedByName(float threshold, float dt)
    {
        var p = NeuronParameters.IntegrateAndFire(threshold) with { Dt = dt };
        var e = Assert.Throws<InvalidOptionException>(p.Validate);
        Assert.Contains(dt <= 0 ? "dt" : "threshold", e.Message);
    }
}
