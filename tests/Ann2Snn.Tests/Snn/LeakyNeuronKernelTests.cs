using Ann2Snn.Kernels;
using Ann2Snn.Neurons;

namespace Ann2Snn.Tests.Snn;

/// <summary>Signed neurons with a negative branch of gain α (<see cref="NeuronKernels.StepSignedLeaky"/>).</summary>
public class LeakyNeuronKernelTests
{
    private static readonly NeuronParameters Signed =
        NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f) with { SignedSpikes = true };

    private static float F(float q, float alpha) => q >= 0f ? q : alpha * q;

    /// <summary>Inputs in multiples of 1/16 and gains in multiples of 1/8 with θ = 1: every sum the kernel takes is exact.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void NetCountIsTheFloorOfTheEncodedChargeAfterEveryStep(int seed)
    {
        // |I| ≤ θ and |α| ≤ 1 move f(Q) by at most θ a step, so c = ⌊(V0 + f(Q))/θ⌋ and V = V0 + f(Q) − c·θ ∈ [0, θ) always.
        const int n = 37; // vector lanes and a scalar tail
        var rng = new Random(seed);
        float[] alpha = Enumerable.Range(0, n).Select(i => (rng.Next(17) - 8) / 8f).ToArray();
        var v = new float[n];
        Array.Fill(v, Signed.InitialPotential);
        var counts = new int[n];
        var charge = new float[n];
        var spikes = new float[n];
        var input = new float[n];
        var q = new float[n];
        var net = new int[n];
        bool down = false, negative = false;
        for (int t = 0; t < 200; t++)
        {
            for (int i = 0; i < n; i++)
            {
                int drift = (int)Math.Round(6 * Math.Sin((t + 11 * i) / 17.0));
                input[i] = Math.Clamp(drift + rng.Next(-8, 9), -16, 16) / 16f;
                q[i] += input[i];
            }
            int events = NeuronKernels.StepSignedLeaky(Signed, alpha, charge, counts, v, input, spikes);
            Assert.Equal(spikes.Count(s => s != 0f), events);
            for (int i = 0; i < n; i++)
            {
                Assert.Contains(spikes[i], new[] { -1f, 0f, 1f });
                net[i] += (int)spikes[i];
                down |= spikes[i] < 0f;
                negative |= counts[i] < 0;
                Assert.Equal(q[i], charge[i]);
                Assert.Equal(net[i], counts[i]);
                float y = Signed.InitialPotential + F(q[i], alpha[i]);
                Assert.Equal((int)MathF.Floor(y / Signed.VThreshold), counts[i]);
                Assert.Equal(y - counts[i] * Signed.VThreshold, v[i]);
                Assert.InRange(v[i], 0f, Signed.VThreshold - 1e-6f);
            }
        }
        Assert.True(down && negative, "the test never drove a count below 0");
    }

    [Theory]
    [InlineData(0.1f, 0.37f)]
    [InlineData(0.1f, -0.61f)]
    [InlineData(0.25f, -0.9f)]
    [InlineData(-0.3f, -0.5f)] // PRelu with a negative slope: f(Q) = −0.3·Q > 0
    [InlineData(1.5f, -0.4f)]
    public void UnderConstantInputTheRateIsLeakyReluOfTheInput(float alpha, float current)
    {
        // c_T = round(f(I·T)/θ) with V0 = θ/2: the rate c_T/T differs from f(I)/θ by at most 1/(2T).
        const int steps = 400;
        float[] v = [Signed.InitialPotential], charge = [0f], spikes = [0f];
        int[] counts = [0];
        int sum = 0;
        for (int t = 0; t < steps; t++)
        {
            NeuronKernels.StepSignedLeaky(Signed, [alpha], charge, counts, v, [current], spikes);
            sum += (int)spikes[0];
        }
        double expected = (current >= 0 ? current : alpha * current) / Signed.VThreshold;
        Assert.InRange(sum / (double)steps, expected - 0.5 / steps - 1e-4, expected + 0.5 / steps + 1e-4);
    }

    [Fact]
    public void WithGainZeroItFiresAsThePlainSignedNeuron()
    {
        // α = 0 is a ReLU with memory: the same events as StepSigned, whose count never drops below 0.
        const int n = 29;
        var rng = new Random(4);
        float[] vA = new float[n], vB = new float[n], charge = new float[n], zero = new float[n], sA = new float[n], sB = new float[n];
        Array.Fill(vA, Signed.InitialPotential);
        Array.Fill(vB, Signed.InitialPotential);
        int[] cA = new int[n], cB = new int[n];
        var input = new float[n];
        for (int t = 0; t < 150; t++)
        {
            for (int i = 0; i < n; i++) input[i] = rng.Next(-12, 13) / 16f;
            int a = NeuronKernels.StepSignedLeaky(Signed, zero, charge, cA, vA, input, sA);
            int b = NeuronKernels.StepSigned(Signed, vB, cB, input, sB);
            Assert.Equal(b, a);
            Assert.Equal(sB, sA);
            Assert.Equal(cB, cA);
        }
        Assert.Contains(cA, c => c > 0);
    }

    [Fact]
    public void VectorAndScalarPathsAgreeOnAwkwardLengths()
    {
        var rng = new Random(99);
        foreach (int n in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65 })
        {
            float[] alpha = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() * 0.6f - 0.1f).ToArray();
            float[] vA = new float[n], vB = new float[n], qA = new float[n], qB = new float[n], sA = new float[n], sB = new float[n];
            int[] cA = new int[n], cB = new int[n];
            var input = new float[n];
            var p = Signed with { VThreshold = 0.7f };
            Array.Fill(vA, p.InitialPotential);
            Array.Fill(vB, p.InitialPotential);
            for (int t = 0; t < 60; t++)
            {
                for (int i = 0; i < n; i++) input[i] = (float)(rng.NextDouble() * 1.2 - 0.65);
                int whole = NeuronKernels.StepSignedLeaky(p, alpha, qA, cA, vA, input, sA), single = 0;
                for (int i = 0; i < n; i++) // one element at a time: the scalar loop only
                {
                    single += NeuronKernels.StepSignedLeaky(p, alpha.AsSpan(i, 1), qB.AsSpan(i, 1), cB.AsSpan(i, 1), vB.AsSpan(i, 1),
                        input.AsSpan(i, 1), sB.AsSpan(i, 1));
                }
                Assert.Equal(single, whole);
                Assert.Equal(sB, sA);
                Assert.Equal(cB, cA);
                Assert.Equal(qB, qA);
                Assert.Equal(vB, vA);
            }
        }
    }

    [Fact]
    public void MismatchedSpansAndUnsignedParametersAreRefused()
    {
        float[] four = new float[4];
        Assert.Throws<ArgumentException>(() => NeuronKernels.StepSignedLeaky(Signed, new float[3], four, new int[4], four, four, four));
        var e = Assert.Throws<ArgumentException>(() => NeuronKernels.StepSignedLeaky(Signed with { SignedSpikes = false }, four,
            new float[4], new int[4], new float[4], new float[4], new float[4]));
        Assert.Contains("SignedSpikes", e.Message);
    }
}
