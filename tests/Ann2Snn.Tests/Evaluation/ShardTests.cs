using Ann2Snn.Analysis;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Evaluation;

/// <summary>Shards of an evaluation's images: how they divide, and that their totals merge into the whole run's bit for bit.</summary>
public sealed class ShardTests
{
    /// <summary>EvaluatorTests' request (the bundled MLP, T = 16) on 45 images in batches of 16 (shards cut batches).</summary>
    private static EvaluationRequest Request(InputEncoding input) =>
        EvaluatorTests.Request() with { Input = input, BatchSize = 16, Limit = 45 };

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(10, 4)]
    [InlineData(10_000, 7)]
    [InlineData(3, 5)]
    public void PartsAreContiguousCoverEveryItemOnceAndDifferByAtMostOne(int total, int n)
    {
        var ranges = Enumerable.Range(0, n).Select(i => new Shard(i, n).Range(total)).ToArray();
        Assert.Equal(0, ranges[0].Start);
        for (int i = 1; i < n; i++) Assert.Equal(ranges[i - 1].Start + ranges[i - 1].Length, ranges[i].Start);
        Assert.Equal(total, ranges.Sum(r => r.Length));
        Assert.True(ranges.Max(r => r.Length) - ranges.Min(r => r.Length) <= 1);
        int[] items = [.. Enumerable.Range(0, total)];
        Assert.Equal(items, Enumerable.Range(0, n).SelectMany(i => new Shard(i, n).Of(items)));
    }

    [Theory]
    [InlineData("3/3", "i must lie in 0..2")]
    [InlineData("0/0", "must be positive")]
    [InlineData("-1/2", "is not i/n")]
    [InlineData("1", "is not i/n")]
    [InlineData("a/b", "is not i/n")]
    [InlineData("auto", "neither SLURM_ARRAY_TASK_ID")]
    public void BadShardsAreNamed(string text, string message)
    {
        var e = Assert.Throws<InvalidOptionException>(() => Shard.Parse(text, _ => null, "--shard"));
        Assert.StartsWith("option '--shard': ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AutoReadsSlurmsArrayThenKubernetesIndexedJob()
    {
        var slurm = new Dictionary<string, string>
        {
            ["SLURM_ARRAY_TASK_ID"] = "5",
            ["SLURM_ARRAY_TASK_MIN"] = "2",
            ["SLURM_ARRAY_TASK_COUNT"] = "4",
        };
        Assert.Equal(new Shard(3, 4), Shard.Parse("auto", slurm.GetValueOrDefault));
        var k8s = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "1", ["JOB_COMPLETIONS"] = "6" };
        Assert.Equal(new Shard(1, 6), Shard.Parse("auto", k8s.GetValueOrDefault));
        k8s.Remove("JOB_COMPLETIONS");
        Assert.Contains("JOB_COMPLETIONS is not",
            Assert.Throws<InvalidOptionException>(() => Shard.Parse("auto", k8s.GetValueOrDefault)).Message);
        slurm["SLURM_ARRAY_TASK_ID"] = "9";
        Assert.Contains("0..3", Assert.Throws<InvalidOptionException>(() => Shard.Parse("auto", slurm.GetValueOrDefault)).Message);
    }

    [Theory]
    [InlineData(1, 0, 10)]
    [InlineData(7, 3, 4)]
    [InlineData(4, 5, 11)]
    [InlineData(16, 0, 45)]
    public void ARangeReadsTheSamplesOfTheWholeSetInPiecesOfItsBatches(int batch, int start, int count)
    {
        var rng = new Random(start * 31 + count);
        float[] x = [.. Enumerable.Range(0, 45 * 3).Select(_ => (float)rng.NextDouble())];
        int[] labels = [.. Enumerable.Range(0, 45).Select(i => i % 10)];
        var range = new DatasetRange(new ArrayDataset(x, labels, 3), start, count);
        DataBatch[] batches = [.. range.Batches(batch)];
        Assert.Equal(x[(start * 3)..((start + count) * 3)], batches.SelectMany(b => b.Data.Take(b.Count * 3)));
        Assert.Equal(labels[start..(start + count)], batches.SelectMany(b => b.Labels.Take(b.Count)));
        Assert.All(batches, b => Assert.Equal((start + batches.TakeWhile(c => c != b).Sum(c => c.Count)) / batch,
            (start + batches.TakeWhile(c => c != b).Sum(c => c.Count) + b.Count - 1) / batch)); // never across a source batch
        Assert.Throws<InvalidOptionException>(() => new DatasetRange(new ArrayDataset(x, labels, 3), 40, 6));
    }

    [Theory]
    [InlineData(InputEncoding.Poisson, 3)]
    [InlineData(InputEncoding.Poisson, 2)]
    [InlineData(InputEncoding.Analog, 4)]
    public void ShardsMergeIntoTheWholeRunBitForBit(InputEncoding input, int n)
    {
        EvaluationResult whole = Evaluator.Run(Request(input));
        EvaluationResult[] parts = [.. Enumerable.Range(0, n).Reverse()
            .Select(i => Evaluator.Run(Request(input) with { Shard = new Shard(i, n) }))];
        Assert.All(parts, p => Assert.Equal(whole.Simulator.Name, p.Simulator.Name));
        Assert.All(parts, p => Assert.Equal(whole.PilotRate, p.PilotRate));
        EvaluationTotals merged = EvaluationTotals.Merge([.. parts.Select(p => p.Totals)], [.. parts.Select((_, i) => $"part {i}")]);

        Assert.Equal(45, merged.Images);
        Assert.Equal(whole.Totals.SnnCorrect, merged.SnnCorrect);
        Assert.Equal(whole.Totals.Layers, merged.Layers);
        Assert.Equal(whole.Totals.InputSpikes, merged.InputSpikes);
        Assert.Equal(whole.Accuracy, merged.Accuracy());
        Assert.Equal(whole.Layers, merged.Activity());
        Assert.Equal(whole.Snn.SpikesPerImage, merged.SpikesPerImage);
        Assert.Equal(whole.Snn.TotalSynapticEventsPerImage, merged.SynapticEventsPerImage);
        Assert.Equal(whole.Latency.Mean, merged.Latency().Mean);
        Assert.Equal(whole.Latency.Histogram, merged.Latency().Histogram);
        Assert.Equal(whole.Energy!.Select(e => (e.SnnJoules, e.AnnJoules)),
            merged.EnergyEstimates()!.Select(e => (e.SnnJoules, e.AnnJoules)));
        if (input == InputEncoding.Poisson) Assert.True(merged.InputSpikes > 0);
    }

    [Fact]
    public void TheTotalsGiveWhatTheSimulationResultGives()
    {
        EvaluationResult r = Evaluator.Run(Request(InputEncoding.Poisson) with { Limit = 20 });
        Assert.Equal(r.Snn.SpikesPerImage, r.Totals.SpikesPerImage);
        Assert.Equal(r.Snn.TotalSynapticEventsPerImage, r.Totals.SynapticEventsPerImage);
        Assert.Equal(r.Steps.Select(t => r.Snn.AccuracyAt(t)), r.Accuracy.Select(a => a.Snn));
        Assert.Equal(AccuracyLatency.Of(r.Snn).Mean, r.Latency.Mean);
        Assert.Equal(AccuracyLatency.Of(r.Snn).P90, r.Latency.P90);
        Assert.Equal(r.Energy!.Select(e => e.SnnJoules),
            EnergyProfile.BuiltIn.Select(p => EnergyEstimate.For(r.Snn, r.Network, r.Graph!, p).SnnJoules));
    }

    [Fact]
    public void MissingOverlappingAndForeignShardsAreNamed()
    {
        EvaluationRequest request = Request(InputEncoding.Analog) with { Limit = 12 };
        EvaluationTotals[] parts = [.. Enumerable.Range(0, 3).Select(i => Evaluator.Run(request with { Shard = new Shard(i, 3) }).Totals)];
        string[] names = ["a.json", "b.json", "c.json"];
        Assert.Contains("images 4..7 of 12 are in no shard",
            Assert.Throws<InvalidDatasetException>(() => EvaluationTotals.Merge([parts[0], parts[2]], ["a.json", "c.json"])).Message);
        Assert.Contains("b.json: images 4.. were counted already",
            Assert.Throws<InvalidDatasetException>(() => EvaluationTotals.Merge([parts[0], parts[1], parts[1], parts[2]],
                ["a.json", "b.json", "b.json", "c.json"])).Message);
        var eight = new SimulationOptions { Timesteps = 8 };
        EvaluationTotals other = Evaluator.Run(request with { Simulation = eight, Shard = new Shard(1, 3) }).Totals;
        Assert.Contains("b.json and a.json are not shards of the same evaluation: T = 16 against 8",
            Assert.Throws<InvalidDatasetException>(() => EvaluationTotals.Merge([parts[0], other, parts[2]], names)).Message);
        Assert.Contains("leave this shard empty", Assert.Throws<InvalidOptionException>(
            () => Evaluator.Run(request with { Limit = 2, Shard = new Shard(0, 3) })).Message);
    }
}
