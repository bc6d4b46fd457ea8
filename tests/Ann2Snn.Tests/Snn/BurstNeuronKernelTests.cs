using Ann2Snn.Kernels;
using Ann2Snn.Neurons;

namespace Ann2Snn.Tests.Snn;

/// <summary>
/// Burst spikes (<see cref="NeuronParameters.BurstLimit"/>): the closed form of the count, the vector path against the
/// model's scalar step, validation.
/// </summary>
public class BurstNeuronKernelTests
{
    [Theory]
    [InlineData(1, 0f, 16)]
    [InlineData(2, 0f, 1)]
    [InlineData(2, 0.5f, 16)]
    [InlineData(3, 0.5f, 5)]
    [InlineData(4, 0f, 8)]
    [InlineData(4, 0.5f, 33)]
    [InlineData(8, 0.25f, 7)]
    public void CountUnderConstantInputIsTheClosedForm(int burst, float initialFraction, int steps)
    {
        // IF, θ = 1/2, reset by subtraction, constant I (multiples of 1/16 up to past B·θ: every sum is exact):
        // N = min(B·T, ⌊(V0 + I·T)/θ⌋) and V(T) = V0 + I·T − N·θ; no step emits more than B.
        const float theta = 0.5f;
        var p = NeuronParameters.IntegrateAndFire(theta, ResetMode.BySubtraction, initialFraction) with { BurstLimit = burst };
        const int n = 75; // vector lanes and a scalar tail
        float[] current = Enumerable.Range(0, n).Select(i => i / 16f).ToArray();
        var v = new float[n];
        Array.Fill(v, p.InitialPotential);
        var spikes = new float[n];
        var counts = new long[n];
        for (int t = 0; t < steps; t++)
        {
            int total = NeuronKernels.Step(p, v, [], current, spikes);
            Assert.Equal(spikes.Sum(s => (long)s), total);
            Assert.All(spikes, s => Assert.InRange(s, 0f, burst));
            for (int i = 0; i < n; i++) counts[i] += (long)spikes[i];
        }
        for (int i = 0; i < n; i++)
        {
            double charge = p.InitialPotential + (double)current[i] * steps;
            long expected = Math.Min((long)burst * steps, (long)Math.Floor(charge / theta));
            Assert.Equal(expected, counts[i]);
            Assert.Equal(charge - expected * theta, v[i]);
        }
        Assert.Contains(counts, c => c == (long)burst * steps); // some neuron saturated at B per step
    }

    [Fact]
    public void VectorPathMatchesTheModelsScalarStepBitForBit()
    {
        var rng = new Random(77);
        foreach (int burst in new[] { 1, 2, 5 })
        {
            var p = NeuronParameters.IntegrateAndFire(0.3f, ResetMode.BySubtraction, 0.5f) with { BurstLimit = burst };
            foreach (int n in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200 })
            {
                var v1 = new float[n];
                var v2 = new float[n];
                Array.Fill(v1, p.InitialPotential);
                Array.Fill(v2, p.InitialPotential);
                var s1 = new float[n];
                var s2 = new float[n];
                var input = new float[n];
                for (int t = 0; t < 20; t++)
                {
                    for (int i = 0; i < n; i++) input[i] = (float)(rng.NextDouble() * 2.4 - 0.4);
                    Assert.Equal(NeuronModels.If.Step(p, v2, [], input, s2), NeuronKernels.Step(p, v1, [], input, s1));
                    Assert.Equal(s2, s1);
                    Assert.Equal(v2, v1);
                }
            }
        }
    }

    [Fact]
    public void LeakyBurstFiresWhileAtThresholdUpToB()
    {
        // The scalar model loop: after k spikes either k = B or the membrane is below threshold, and k ≥ 1 only from V ≥ V_th.
        var p = NeuronParameters.LeakyIntegrateAndFire(20f, 1f) with { BurstLimit = 3 };
        var rng = new Random(3);
        const int n = 50;
        var v = new float[n];
        var spikes = new float[n];
        float[] input = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 80)).ToArray();
        float decay = LeakyIntegrateAndFire.Decay(p), gain = p.InputGain;
        for (int t = 0; t < 10; t++)
        {
            float[] charged = v.Select((x, i) => x * decay + gain * input[i]).ToArray();
            NeuronKernels.Step(p, v, [], input, spikes);
            for (int i = 0; i < n; i++)
            {
                int k = (int)spikes[i];
                Assert.Equal(charged[i] - k * 1f, v[i], 4);
                Assert.True(k == 3 || v[i] < 1f, $"neuron {i}: {k} spikes left V = {v[i]}");
                Assert.True(k == 0 || charged[i] >= 1f);
            }
        }
        Assert.Contains(spikes, s => s == 3f);
    }

    /// <summary>
    /// Signed bursts: with a charge Q that moves by at most B·θ a step, the net count of a signed neuron is the closed form
    /// c = ⌊(V(0) + Q)/θ⌋ — never below 0 for a plain signed neuron (it only takes back what it fired), of either sign with a
    /// negative branch of gain 1 (an operator's operand) — and V = V(0) + Q − c·θ; each step emits at most B of either sign
    /// and counts |k| events. Exact arithmetic (θ = 1/2, inputs multiples of 1/16); 75 neurons cover the vector lanes and a tail.
    /// </summary>
    [Theory]
    [InlineData(1, false, 1)]
    [InlineData(2, false, 2)]
    [InlineData(4, false, 3)]
    [InlineData(1, true, 4)]
    [InlineData(3, true, 5)]
    [InlineData(4, true, 6)]
    public void SignedBurstsKeepTheNetCountAtItsClosedForm(int burst, bool negativeBranch, int seed)
    {
        const float theta = 0.5f;
        const int n = 75, steps = 40;
        var p = NeuronParameters.IntegrateAndFire(theta, ResetMode.BySubtraction, 0.5f) with { BurstLimit = burst, SignedSpikes = true };
        var rng = new Random(seed);
        float[] v = Enumerable.Repeat(p.InitialPotential, n).ToArray(), charge = new float[n], spikes = new float[n];
        float[] gain = Enumerable.Repeat(1f, n).ToArray();
        int[] counts = new int[n];
        double[] q = new double[n];
        for (int t = 0; t < steps; t++)
        {
            // |I| ≤ B·θ: the count can follow every step.
            float[] input = [.. Enumerable.Range(0, n).Select(_ => rng.Next(-8 * burst, 8 * burst + 1) / 16f)];
            int[] before = (int[])counts.Clone();
            int events = negativeBranch
                ? NeuronKernels.StepSignedLeaky(p, gain, charge, counts, v, input, spikes)
                : NeuronKernels.StepSigned(p, v, counts, input, spikes);
            Assert.Equal(Enumerable.Range(0, n).Sum(i => Math.Abs(counts[i] - before[i])), events);
            for (int i = 0; i < n; i++)
            {
                q[i] += input[i];
                Assert.Equal(counts[i] - before[i], spikes[i]);
                Assert.InRange(spikes[i], -burst, burst);
                double closed = Math.Floor((p.InitialPotential + q[i]) / theta);
                Assert.Equal(negativeBranch ? closed : Math.Max(0, closed), counts[i]);
                Assert.Equal(p.InitialPotential + q[i] - counts[i] * theta, v[i], 5);
            }
        }
    }

    [Fact]
    public void TheLayeredBackendRefusesSignedBurstsNamingThePopulation()
    {
        var neuron = NeuronParameters.IntegrateAndFire(1f) with { BurstLimit = 2, SignedSpikes = true };
        var net = new Ann2Snn.Snn.SpikingNetwork("graded", new Ann2Snn.Tensors.Shape(2),
        [
            new Ann2Snn.Snn.NeuronLayer("carrier", new Ann2Snn.Tensors.Shape(2), neuron,
                [new Ann2Snn.Snn.Projection(-1, [new Ann2Snn.Snn.ScaleOp(new Ann2Snn.Tensors.Shape(2), [1f])])], new float[2]),
            new Ann2Snn.Snn.ReadoutLayer("out", new Ann2Snn.Tensors.Shape(2),
                [new Ann2Snn.Snn.Projection(0, [new Ann2Snn.Snn.ScaleOp(new Ann2Snn.Tensors.Shape(2), [1f])])], new float[2]),
        ]);
        var data = new Ann2Snn.Data.DataBatch([0.5f, 2f], [0], 1);
        var e = Assert.Throws<InvalidOptionException>(() => new Ann2Snn.Simulation.Layered.LayeredSimulator().Run(net, [data],
            new Ann2Snn.Simulation.SimulationOptions { Timesteps = 4 }));
        Assert.Contains("'carrier'", e.Message);
        Assert.Contains("signed bursts", e.Message);
        // The dense backend runs it: input 2 a step fires two spikes a step.
        var r = new Ann2Snn.Simulation.Dense.DenseSimulator().Run(net, [data], new Ann2Snn.Simulation.SimulationOptions { Timesteps = 4 });
        Assert.Equal(2 + 8, r.LayerSpikes[0]);
    }

    [Theory]
    [InlineData(0, ResetMode.BySubtraction, 0, false, "must be in 1..64")]
    [InlineData(-1, ResetMode.BySubtraction, 0, false, "must be in 1..64")]
    [InlineData(65, ResetMode.BySubtraction, 0, false, "must be in 1..64")]
    [InlineData(2, ResetMode.ToZero, 0, false, "need reset by subtraction")]
    [InlineData(2, ResetMode.BySubtraction, 1, false, "no refractory period")]
    public void BadBurstParametersAreRefusedNamingBurst(int burst, ResetMode reset, int refractory, bool signed, string expected)
    {
        var p = NeuronParameters.IntegrateAndFire(1f, reset) with
        {
            BurstLimit = burst,
            RefractorySteps = refractory,
            SignedSpikes = signed,
        };
        var e = Assert.Throws<InvalidOptionException>(p.Validate);
        Assert.Contains("'burst'", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ListedKernelsRefuseBursts()
    {
        var p = NeuronParameters.IntegrateAndFire(1f) with { BurstLimit = 2 };
        Assert.False(NeuronKernels.IsListable(p));
        Assert.Throws<ArgumentException>(() => NeuronKernels.StepListed(p, new float[4], new float[4], new int[4]));
    }
}
