using Ann2Snn.Analysis;
using Ann2Snn.Simulation;

namespace Ann2Snn.Tests.Analysis;

public class SynapseStudyTests
{
    [Fact]
    public void JitterFallsWithTauSynAndTheMeanRateStays()
    {
        var options = new SynapseStudyOptions { Neurons = 128, Steps = 1000, TauSyns = [1f, 2f, 5f, 10f, 20f], Seed = 3 };
        IReadOnlyList<SynapsePoint> points = SynapseStudy.Run(options);
        Assert.Equal(SynapseModel.Delta, points[0].Model);
        Assert.Equal(6, points.Count);
        for (int i = 1; i < points.Count; i++)
        {
            Assert.True(points[i].Jitter < points[i - 1].Jitter,
                $"τs={points[i].TauSyn}: jitter {points[i].Jitter:g4} ≥ {points[i - 1].Jitter:g4}");
        }
        // Delta synapse: the per-step charge is w·Binomial(K, p), std w·√(K p (1 − p)).
        Assert.Equal(0.2 * Math.Sqrt(10 * 0.05 * 0.95), points[0].Jitter, 0.01);
        // Unit DC gain: every model keeps the mean rate K·p·w/θ = 0.1 per step, within 4 standard errors.
        foreach (SynapsePoint p in points)
        {
            Assert.True(Math.Abs(p.MeanRate - 0.1) < 4 * p.RateStandardError + 2.0 / options.Steps,
                $"{p.Model} τs={p.TauSyn}: rate {p.MeanRate:g4} ± {p.RateStandardError:g3}");
            Assert.True(p.CountCv > 0 && double.IsFinite(p.CountCv));
        }
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        Assert.Contains("tau-syn",
            Assert.Throws<InvalidOptionException>(() => SynapseStudy.Run(new SynapseStudyOptions { TauSyns = [0f] })).Message);
        Assert.Contains("window",
            Assert.Throws<InvalidOptionException>(() => SynapseStudy.Run(new SynapseStudyOptions { Window = 5000 })).Message);
    }
}
