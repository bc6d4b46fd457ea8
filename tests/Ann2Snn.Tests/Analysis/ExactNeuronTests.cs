using Ann2Snn.Analysis;
using Ann2Snn.Neurons;

namespace Ann2Snn.Tests.Analysis;

public class ExactNeuronTests
{
    [Theory]
    [InlineData(0.0, 0.3, 10.0, 1.0)]
    [InlineData(0.5, 0.37, 25.0, 1.0)]
    [InlineData(0.2, 1.7, 9.0, 0.7)]
    public void IfCountIsFloorOfChargeOverThreshold(double v0, double current, double horizon, double theta)
    {
        var n = ContinuousNeuron.IntegrateAndFire(theta, v0: v0);
        theta = n.Parameters.VThreshold; // the oracle solves the stepped neuron's float32 parameters
        double[] t = ExactNeuron.SpikeTimes(n, [new InputSegment(horizon, current)], horizon);
        Assert.Equal((int)Math.Floor((v0 + current * horizon) / theta), t.Length);
        for (int k = 0; k < t.Length; k++) Assert.Equal(((k + 1) * theta - v0) / current, t[k], 1e-9);
    }

    [Theory]
    [InlineData(1.5, 0.0)]
    [InlineData(2.0, 2.0)]
    [InlineData(1.2, 5.0)]
    public void LifRateMatchesTheClassicFormula(double current, double tauRef)
    {
        var n = ContinuousNeuron.LeakyIntegrateAndFire(tauMem: 10, threshold: 1, resistance: 1, refractoryTime: tauRef);
        double[] t = ExactNeuron.SpikeTimes(n, [new InputSegment(500, current)], 500);
        double period = tauRef + 10 * Math.Log(current / (current - 1));
        Assert.Equal(1 / period, n.Rate(current), 12);
        Assert.Equal(period - tauRef, t[0], 1e-9);                     // the first spike has no refractory period before it
        for (int k = 1; k < t.Length; k++) Assert.Equal(period, t[k] - t[k - 1], 1e-9);
        Assert.Equal((int)Math.Floor((500 - (period - tauRef)) / period) + 1, t.Length);
    }

    [Fact]
    public void BelowRheobaseLifNeverFires()
    {
        var n = ContinuousNeuron.LeakyIntegrateAndFire(tauMem: 10);
        Assert.Empty(ExactNeuron.SpikeTimes(n, [new InputSegment(1000, 0.999)], 1000));
        Assert.Equal(0, n.Rate(0.999));
    }

    [Fact]
    public void PiecewiseIfHandChecked()
    {
        // θ = 1, V0 = 0. [0,2): I = 0.4 → V(2) = 0.8. [2,3): I = 0 → held. [3,5): I = 1 → crossing at 3.2, then 4.2.
        // Refractory 0.5 after each spike: after 3.2 integration resumes at 3.7, so the second spike is at 4.7.
        var n = ContinuousNeuron.IntegrateAndFire();
        InputSegment[] input = [new(2, 0.4), new(1, 0), new(2, 1)];
        Assert.Equal([3.2, 4.2], ExactNeuron.SpikeTimes(n, input, 10).Select(x => Math.Round(x, 9)));
        Assert.Equal([3.2, 4.7], ExactNeuron.SpikeTimes(n with { RefractoryTime = 0.5 }, input, 10).Select(x => Math.Round(x, 9)));
        Assert.Equal([3.2], ExactNeuron.SpikeTimes(n, input, 4));   // horizon cuts the input
    }

    [Fact]
    public void PiecewiseLifHandChecked()
    {
        // τ = 1, R = 1, θ = 1, rest 0. [0, ln 2): I = 2 → V = 2 + (0 − 2)·½ = 1: the crossing is exactly at ln 2.
        // Reset to zero, then I = 3 for the rest: next crossing after ln(3/2).
        var n = ContinuousNeuron.LeakyIntegrateAndFire(tauMem: 1);
        double a = Math.Log(2);
        double[] t = ExactNeuron.SpikeTimes(n, [new(a, 2), new(1, 3)], a + 0.5);
        Assert.Equal(2, t.Length);
        Assert.Equal(a, t[0], 1e-12);
        Assert.Equal(a + Math.Log(1.5), t[1], 1e-12);
        // Sub-threshold decay with no input: V0 = 0.5 → 0.5·e^(−t/τ) (Brian2-style closed-form check).
        Assert.Equal(0.5 * Math.Exp(-2), n.Parameters.Model.Advance(n.Parameters, 0.5, 0, 2), 14);
    }

    [Fact]
    public void LifResetBySubtractionGoesToZeroNotRest()
    {
        var n = ContinuousNeuron.LeakyIntegrateAndFire(tauMem: 5, vRest: -0.5, reset: ResetMode.BySubtraction);
        double[] t = ExactNeuron.SpikeTimes(n, [new(50, 2)], 50);
        double vInf = -0.5 + 2;
        Assert.Equal(5 * Math.Log((vInf + 0.5) / (vInf - 1)), t[0], 1e-9);
        Assert.Equal(5 * Math.Log(vInf / (vInf - 1)), t[1] - t[0], 1e-9);
    }

    [Fact]
    public void SteppedSolverConvergesToExactTimes()
    {
        var n = ContinuousNeuron.IntegrateAndFire();
        // An IF neuron with a current that is a multiple of 1/Δt charge per step fires exactly on the step boundary.
        Assert.Equal([4.0, 8.0], DiscretizationStudy.SteppedSpikeTimes(n, [new(10, 0.25)], 10, 0.5));
    }

    [Fact]
    public void BadParametersAreRejected()
    {
        var n = ContinuousNeuron.LeakyIntegrateAndFire(tauMem: 10);
        ContinuousNeuron aboveThreshold = n with { Parameters = n.Parameters with { VRest = 2 } };
        Assert.Contains("v-rest", Assert.Throws<InvalidOptionException>(() => ExactNeuron.SpikeTimes(aboveThreshold, [], 1)).Message);
        Assert.Contains("v-init", Assert.Throws<InvalidOptionException>(() => ExactNeuron.SpikeTimes(n with { V0 = 1 }, [], 1)).Message);
        Assert.Contains("input", Assert.Throws<InvalidOptionException>(() => ExactNeuron.SpikeTimes(n, [new(-1, 1)], 1)).Message);
    }
}
