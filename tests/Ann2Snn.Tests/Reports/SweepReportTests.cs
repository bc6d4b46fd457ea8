using Ann2Snn.Evaluation;
using Ann2Snn.Reports;

namespace Ann2Snn.Tests.Reports;

/// <summary>The sweep report: ranking at each T, the Pareto front of configurations, and the files it writes.</summary>
public sealed class SweepReportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ann2snn-sweep-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Random configurations at windows 4, 8 or 16 (accuracy on a grid of 1/20 so that ties occur).</summary>
    private static SweepRun[] Runs(int seed, int count)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            int window = 4 << rng.Next(3);
            StepAccuracy[] accuracy =
                [.. EvaluationRequest.DefaultSteps(window).Select(t => new StepAccuracy(t, rng.Next(21) / 20.0, 0.9))];
            return new SweepRun($"c{i}", "m.onnx", "mnist", 100, window, accuracy, 0.9, rng.Next(1, 6) * 1000, 10, "event", []);
        })];
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 30)]
    public void EachTRanksTheConfigurationsThatReportItByAccuracy(int seed, int count)
    {
        SweepRun[] runs = Runs(seed, count);
        var ranking = SweepReportWriter.Ranking(runs);
        Assert.Equal(runs.SelectMany(r => r.Accuracy.Select(a => a.Timesteps)).Distinct().Order(), ranking.Select(x => x.T));
        foreach ((int t, var ranked) in ranking)
        {
            Assert.Equal(runs.Where(r => r.Accuracy.Any(a => a.Timesteps == t)).Select(r => r.Label).Order(),
                ranked.Select(x => x.Run.Label).Order());
            Assert.Equal(ranked.Select(x => x.Accuracy).OrderDescending(), ranked.Select(x => x.Accuracy));
            Assert.All(ranked, x => Assert.Equal(x.Run.Accuracy.Single(a => a.Timesteps == t).Snn, x.Accuracy));
        }
    }

    [Theory]
    [InlineData(4, 12)]
    [InlineData(5, 40)]
    public void TheFrontIsTheConfigurationsNoOtherDominates(int seed, int count)
    {
        SweepRun[] runs = Runs(seed, count);
        bool Dominated(SweepRun r) => runs.Any(o => ParetoFront.Dominates(o.Point, r.Point));
        Assert.Equal(runs.Where(r => !Dominated(r)).Select(r => r.Label).Order(),
            SweepReportWriter.Front(runs).Select(r => r.Label).Order());
    }

    [Fact]
    public void TheReportRendersEveryConfigurationAndT()
    {
        SweepRun[] runs = Runs(6, 5);
        string index = SweepReportWriter.Write(runs, _root);
        string html = File.ReadAllText(index);
        Assert.All(runs, r => Assert.Contains(r.Label, html));
        foreach (int t in runs.SelectMany(r => r.Accuracy.Select(a => a.Timesteps)).Distinct()) Assert.Contains($"<h3>T = {t}</h3>", html);
        Assert.True(new FileInfo(Path.Combine(_root, "sweep_accuracy.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(_root, "sweep_pareto.png")).Length > 1000);
        Assert.Equal(1 + runs.Sum(r => r.Accuracy.Count), File.ReadAllLines(Path.Combine(_root, "sweep.csv")).Length);
        Assert.Throws<InvalidOptionException>(() => SweepReportWriter.Write([], _root + "-empty"));
    }
}
