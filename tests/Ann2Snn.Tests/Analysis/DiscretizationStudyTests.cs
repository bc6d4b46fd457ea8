using Ann2Snn.Analysis;

namespace Ann2Snn.Tests.Analysis;

public class DiscretizationStudyTests
{
    private static readonly double[] Dts = [0.4, 0.2, 0.1, 0.05];

    [Fact]
    public void LifSpikeTimeErrorIsFirstOrderInDt()
    {
        // LIF, τm = 10, τ_ref = 2 (a whole number of steps at every Δt), reset to rest, an input that steps up and down
        // between segments whose boundaries do not fall on steps.
        var n = ContinuousNeuron.LeakyIntegrateAndFire(tauMem: 10, refractoryTime: 2);
        var slopes = new List<double>();
        foreach (double i0 in new[] { 1.7, 1.9, 2.3, 2.6, 3.1, 3.7, 4.3, 5.1 })
        {
            InputSegment[] input = [new(13.37, i0), new(7.77, 0.5 * i0), new(60, 1.5 * i0)];
            DiscretizationReport r = DiscretizationStudy.Run(n, input, 80, Dts, firstSpikes: 10);
            Assert.True(r.ExactSpikeTimes.Count >= 10, $"I={i0}: {r.ExactSpikeTimes.Count} spikes");
            Assert.All(r.Points, p => Assert.True(p.MeanSpikeTimeError < 5 * p.Dt, $"I={i0} Δt={p.Dt}: error {p.MeanSpikeTimeError}"));
            Assert.All(r.Points, p => Assert.True(p.FirstSpikeError <= p.Dt + 1e-6,
                $"I={i0} Δt={p.Dt}: first-spike error {p.FirstSpikeError}"));
            slopes.Add(r.SpikeTimeErrorSlope);
        }
        double mean = slopes.Average();
        Assert.True(mean is >= 0.7 and <= 1.3, $"slopes {string.Join(", ", slopes.Select(x => x.ToString("F3")))}, mean {mean:F3}");
    }

    [Fact]
    public void PointsReportStepsAndRefractorySteps()
    {
        var n = ContinuousNeuron.LeakyIntegrateAndFire(tauMem: 10, refractoryTime: 2);
        DiscretizationReport r = DiscretizationStudy.Run(n, [new(20, 2)], 20, [0.5, 0.25]);
        Assert.Equal([40, 80], r.Points.Select(p => p.Steps));
        Assert.Equal([4, 8], r.Points.Select(p => p.RefractorySteps));
        Assert.All(r.Points, p => Assert.True(p.RateError <= 1.0 / 20 + 1e-12));
    }

    [Fact]
    public void LogLogSlopeOfAPowerLaw()
    {
        double[] x = [1, 2, 4, 8];
        Assert.Equal(-1, Regression.LogLogSlope(x, x.Select(v => 3 / v).ToArray()), 12);
        Assert.True(double.IsNaN(Regression.LogLogSlope([1], [1])));
    }
}
