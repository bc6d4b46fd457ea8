using Ann2Snn.Evaluation;

namespace Ann2Snn.Tests.Evaluation;

/// <summary>The Pareto front and the matched accuracy on hand-made and random point sets, against their definitions.</summary>
public sealed class ParetoFrontTests
{
    private static LatencyPoint P(string method, int t, double accuracy, double events) =>
        new(method, t, accuracy, events, events / 10, 0, "event", []);

    /// <summary>Random point sets with many ties (events and accuracies drawn from small grids), seeded.</summary>
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 8).Select(s => new object[] { s });

    private static LatencyPoint[] RandomPoints(Random random)
    {
        int n = random.Next(0, 40);
        return [.. Enumerable.Range(0, n).Select(i =>
            P($"m{random.Next(4)}", 1 << random.Next(6), random.Next(0, 12) / 11.0, random.Next(1, 15) * 1000.0))];
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void NoPointOnTheFrontIsDominatedAndEveryPointOffItIs(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 50; round++)
        {
            LatencyPoint[] points = RandomPoints(random);
            IReadOnlyList<LatencyPoint> front = ParetoFront.Of(points);
            foreach (LatencyPoint p in points)
            {
                bool dominated = points.Any(q => ParetoFront.Dominates(q, p));
                Assert.Equal(!dominated, front.Contains(p));
            }
            // Each non-dominated point once (equal points count each time they occur).
            Assert.Equal(points.Count(p => !points.Any(q => ParetoFront.Dominates(q, p))), front.Count);
            Assert.True(front.Zip(front.Skip(1)).All(pq =>
                pq.First.SynapticEventsPerImage <= pq.Second.SynapticEventsPerImage && pq.First.Accuracy <= pq.Second.Accuracy));
        }
    }

    [Fact]
    public void DominanceIsStrictInOneCoordinate()
    {
        LatencyPoint a = P("a", 1, 0.9, 100), same = P("b", 2, 0.9, 100), cheaper = P("c", 1, 0.9, 99), better = P("d", 1, 0.91, 100);
        Assert.False(ParetoFront.Dominates(a, same));
        Assert.False(ParetoFront.Dominates(same, a));
        Assert.True(ParetoFront.Dominates(cheaper, a));
        Assert.True(ParetoFront.Dominates(better, a));
        Assert.False(ParetoFront.Dominates(a, a));
        Assert.Equal([cheaper, better], ParetoFront.Of([a, same, cheaper, better]));
        Assert.Equal([a, same], ParetoFront.Of([a, same]));
        Assert.Empty(ParetoFront.Of([]));
    }

    [Fact]
    public void MatchedAccuracyIsTheSmallestWindowAtTheTarget()
    {
        LatencyPoint[] points =
        [
            P("plain", 2, 0.50, 1000), P("plain", 4, 0.97, 2000), P("plain", 8, 0.99, 4000), P("plain", 16, 0.995, 8000),
            P("fit", 8, 0.992, 3000), P("fit", 2, 0.98, 900), P("fit", 4, 0.99, 1800), // unordered windows
            P("never", 2, 0.1, 10), P("never", 4, 0.2, 20),
        ];
        IReadOnlyList<MatchedAccuracy> m = MatchedAccuracy.For(points, 0.99, "plain");
        Assert.Equal(["plain", "fit", "never"], m.Select(x => x.Method));
        Assert.Equal(new MatchedAccuracy("plain", 8, 0.99, 4000, 1.0), m[0]);
        Assert.Equal(new MatchedAccuracy("fit", 4, 0.99, 1800, 1800 / 4000.0), m[1]);
        Assert.Equal(new MatchedAccuracy("never", null, null, null, null), m[2]);

        // A reference that never reaches the target gives no ratios; the windows stay.
        IReadOnlyList<MatchedAccuracy> strict = MatchedAccuracy.For(points, 0.993, "plain");
        Assert.Equal(16, strict[0].Timesteps);
        Assert.Null(strict[1].Timesteps);
        Assert.Null(MatchedAccuracy.For(points, 0.95, "never")[0].RelativeEvents);
        Assert.Equal(2, MatchedAccuracy.For(points, 0.95, "never")[1].Timesteps);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchedAccuracyAgreesWithItsDefinition(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 50; round++)
        {
            LatencyPoint[] points = RandomPoints(random);
            double target = random.Next(0, 12) / 11.0;
            foreach (MatchedAccuracy m in MatchedAccuracy.For(points, target, "m0"))
            {
                LatencyPoint[] reaching = [.. points.Where(p => p.Method == m.Method && p.Accuracy >= target)];
                Assert.Equal(reaching.Length == 0 ? null : reaching.Min(p => p.Timesteps), m.Timesteps);
                if (m.Timesteps is { } t)
                {
                    // Below the matched window, no point of the method reaches the target.
                    Assert.DoesNotContain(points, p => p.Method == m.Method && p.Timesteps < t && p.Accuracy >= target);
                    Assert.Contains(points, p =>
                        p.Method == m.Method && p.Timesteps == t && p.SynapticEventsPerImage == m.SynapticEventsPerImage);
                }
            }
        }
    }
}
