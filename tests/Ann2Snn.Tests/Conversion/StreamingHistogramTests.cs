using Ann2Snn.Conversion;

namespace Ann2Snn.Tests.Conversion;

public class StreamingHistogramTests
{
    private static double ExactPercentile(List<float> positive, double p)
    {
        positive.Sort();
        int rank = (int)Math.Ceiling(p / 100 * positive.Count) - 1;
        return positive[Math.Clamp(rank, 0, positive.Count - 1)];
    }

    [Theory]
    [InlineData(1, 99.99)]
    [InlineData(2, 99.9)]
    [InlineData(3, 50.0)]
    [InlineData(4, 99.0)]
    public void PercentileIsWithinOneBinOfTheExactValue(int seed, double p)
    {
        // Heavy-tailed activations with many zeros, as after a ReLU; the range grows many times while streaming.
        var rng = new Random(seed);
        var h = new StreamingHistogram();
        var positive = new List<float>();
        for (int i = 0; i < 200_000; i++)
        {
            double u = rng.NextDouble();
            float x = u < 0.4 ? 0f : (float)(-Math.Log(rng.NextDouble()) * Math.Pow(1.0001, i / 10.0));
            h.Add(x);
            if (x > 0) positive.Add(x);
        }
        double exact = ExactPercentile(positive, p);
        double binWidth = 2 * positive.Max() / StreamingHistogram.Bins;
        Assert.InRange(h.Percentile(p), exact - binWidth, exact + binWidth);
        Assert.Equal(positive.Max(), h.Percentile(100));
        Assert.Equal(positive.Count, h.Positive);
    }

    [Fact]
    public void MergedHistogramsEqualOneHistogramOfEverything()
    {
        var rng = new Random(9);
        var all = new StreamingHistogram();
        var a = new StreamingHistogram();
        var b = new StreamingHistogram();
        for (int i = 0; i < 50_000; i++)
        {
            // The two halves have very different ranges, so the merge must rescale one of them.
            float x = i % 2 == 0 ? (float)rng.NextDouble() * 0.01f : (float)rng.NextDouble() * 300f;
            all.Add(x);
            (i % 2 == 0 ? a : b).Add(x);
        }
        a.Merge(b);
        foreach (double p in new[] { 10.0, 50.0, 90.0, 99.9 }) Assert.Equal(all.Percentile(p), a.Percentile(p));
        Assert.Equal(all.Max, a.Max);
    }

    [Fact]
    public void EmptyOrSilentHistogramHasZeroPercentiles()
    {
        var h = new StreamingHistogram();
        h.Add([0f, -1f, float.NaN]);
        Assert.Equal(0f, h.Percentile(99.9));
        Assert.Equal(3, h.Zeros);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    [InlineData(100.01)]
    public void PercentileOutsideItsDomainIsRefused(double p) =>
        Assert.Contains("percentile", Assert.Throws<InvalidOptionException>(() => new StreamingHistogram().Percentile(p)).Message);
}
