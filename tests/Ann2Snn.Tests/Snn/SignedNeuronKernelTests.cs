using Ann2Snn.Kernels;
using Ann2Snn.Neurons;

namespace Ann2Snn.Tests.Snn;

public class SignedNeuronKernelTests
{
    private static readonly NeuronParameters Signed =
        NeuronParameters.IntegrateAndFire(0.8f, initialFraction: 0.5f) with { SignedSpikes = true };

    [Fact]
    public void NetCountFollowsTheRoundedChargeAndTheMembraneStaysInRange()
    {
        // Per-step |I| < θ, so one event per step suffices: after every step, with Q = V0 + ΣI the charge received,
        // count·θ + v = Q, v ∈ [0, θ) when count > 0 (v < θ always), hence count = max(0, ⌊Q/θ⌋).
        const int n = 37; // vector lanes and a scalar tail
        float theta = Signed.VThreshold;
        var rng = new Random(7);
        var v = new float[n];
        Array.Fill(v, Signed.InitialPotential);
        var counts = new int[n];
        var spikes = new float[n];
        var input = new float[n];
        var charge = new double[n];
        Array.Fill(charge, Signed.InitialPotential);
        var net = new int[n];
        bool sawNegative = false;
        for (int t = 0; t < 300; t++)
        {
            for (int i = 0; i < n; i++)
            {
                // A drift that changes sign over time, so counts rise and fall.
                double drift = 0.3 * Math.Sin((t + 13 * i) / 25.0);
                input[i] = (float)Math.Clamp(drift + (rng.NextDouble() - 0.5) * 0.9, -0.79, 0.79);
                charge[i] += input[i];
            }
            int events = NeuronKernels.StepSigned(Signed, v, counts, input, spikes);
            Assert.Equal(spikes.Count(s => s != 0f), events);
            for (int i = 0; i < n; i++)
            {
                Assert.Contains(spikes[i], new[] { -1f, 0f, 1f });
                sawNegative |= spikes[i] < 0f;
                net[i] += (int)spikes[i];
                Assert.Equal(net[i], counts[i]);
                Assert.True(counts[i] >= 0);
                Assert.True(v[i] < theta, $"v = {v[i]} ≥ θ");
                if (counts[i] > 0) Assert.True(v[i] >= 0f, $"v = {v[i]} < 0 with count {counts[i]}");
                Assert.Equal(charge[i], counts[i] * theta + v[i], 1e-3);
                double q = charge[i] / theta;
                if (Math.Abs(q - Math.Round(q)) > 1e-3) Assert.Equal(Math.Max(0, (int)Math.Floor(q)), counts[i]);
            }
        }
        Assert.True(sawNegative);
    }

    [Fact]
    public void VectorAndScalarPathsAgreeOnAwkwardLengths()
    {
        var rng = new Random(99);
        foreach (int n in new[] { 0, 1, 7, 8, 9, 17, 64, 65 })
        {
            var vVec = new float[n];
            var kVec = new int[n];
            var sVec = new float[n];
            var input = new float[n];
            var vOne = new float[n];
            var kOne = new int[n];
            var s = new float[1];
            Array.Fill(vVec, Signed.InitialPotential);
            Array.Fill(vOne, Signed.InitialPotential);
            for (int t = 0; t < 30; t++)
            {
                for (int i = 0; i < n; i++) input[i] = (float)(rng.NextDouble() * 2 - 1);
                int events = NeuronKernels.StepSigned(Signed, vVec, kVec, input, sVec);
                int scalar = 0;
                for (int i = 0; i < n; i++)
                {
                    // One neuron at a time: always the scalar tail.
                    scalar += NeuronKernels.StepSigned(Signed, vOne.AsSpan(i, 1), kOne.AsSpan(i, 1), input.AsSpan(i, 1), s);
                    Assert.Equal(s[0], sVec[i]);
                }
                Assert.Equal(scalar, events);
                Assert.Equal(vOne, vVec);
                Assert.Equal(kOne, kVec);
            }
        }
    }

    [Fact]
    public void AnEarlyBurstIsTakenBack()
    {
        // θ = 0.8, V0 = 0.4; +0.5, +0.5, then negative input: the spike of step 1 is taken back at step 3, and
        // with the count at zero the neuron stays silent however negative V becomes.
        var v = new[] { Signed.InitialPotential };
        var counts = new int[1];
        var spikes = new float[1];
        var trace = new List<float>();
        foreach (float i in new[] { 0.5f, 0.5f, -0.7f, -0.6f, -0.6f })
        {
            NeuronKernels.StepSigned(Signed, v, counts, [i], spikes);
            trace.Add(spikes[0]);
        }
        Assert.Equal([1f, 0f, -1f, 0f, 0f], trace);
        Assert.Equal(0, counts[0]);
    }

    [Theory]
    [InlineData("lif")]
    [InlineData("to-zero")]
    [InlineData("refractory")]
    public void UnsupportedCombinationsAreRefusedNamingSigned(string variant)
    {
        NeuronParameters p = variant switch
        {
            "lif" => NeuronParameters.LeakyIntegrateAndFire(10f) with { SignedSpikes = true },
            "to-zero" => Signed with { Reset = ResetMode.ToZero },
            _ => Signed with { RefractorySteps = 1 },
        };
        var e = Assert.Throws<InvalidOptionException>(p.Validate);
        Assert.Contains("signed", e.Message);
    }

    [Fact]
    public void UnsignedStepRefusesSignedParametersAndViceVersa()
    {
        var v = new float[4];
        Assert.Throws<ArgumentException>(() => NeuronKernels.Step(Signed, v, [], new float[4], new float[4]));
        Assert.Throws<ArgumentException>(
            () => NeuronKernels.StepSigned(Signed with { SignedSpikes = false }, v, new int[4], new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => NeuronKernels.StepSigned(Signed, v, new int[3], new float[4], new float[4]));
    }
}
