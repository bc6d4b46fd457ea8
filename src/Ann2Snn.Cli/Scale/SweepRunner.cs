using Ann2Snn.Cli.Commands;
using Ann2Snn.Evaluation;
using Spectre.Console;

namespace Ann2Snn.Cli.Scale;

/// <summary>
/// Runs a sweep's work: each configuration's image shards (units), one result file per unit in <c>OUT/results/</c> named by the
/// configuration's identity and the shard (<c>IDENTITY.i-of-n.json</c>), written whole or not at all, so that a rerun skips
/// every unit already done and never overwrites one. A process given <c>--shard i/n</c> runs its part of the units.
/// </summary>
internal static class SweepRunner
{
    public const string ResultsFolder = "results";

    /// <summary>One unit of work: shard <paramref name="Shard"/> of the images of a configuration.</summary>
    public sealed record Unit(SweepConfiguration Configuration, Shard Shard)
    {
        public string FileName => $"{Configuration.Identity}.{Shard.Index}-of-{Shard.Count}.json";
    }

    /// <summary>What a run did: units of the sweep, of this process, run now, found done.</summary>
    public sealed record Outcome(int Units, int Mine, int Ran, int Skipped);

    /// <summary>Every unit of the sweep, in order: configurations outer, image shards inner.</summary>
    public static IReadOnlyList<Unit> Units(SweepSpec spec) =>
        [.. spec.Configurations.SelectMany(c => Enumerable.Range(0, spec.Shards).Select(i => new Unit(c, new Shard(i, spec.Shards))))];

    public static Outcome Run(IAnsiConsole console, bool quiet, SweepSpec spec, string outDir, Shard? part,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<Unit> all = Units(spec);
        IReadOnlyList<Unit> mine = part is { } p ? p.Of(all) : all;
        string results = Path.Combine(outDir, ResultsFolder);
        Directory.CreateDirectory(results);
        var todo = new List<Unit>();
        foreach (Unit unit in mine)
        {
            string file = Path.Combine(results, unit.FileName);
            if (!File.Exists(file))
            {
                todo.Add(unit);
                continue;
            }
            ShardFile done = ShardFile.Read(file); // a damaged result is named (exit 2), never run over
            if (done.Identity != unit.Configuration.Identity || done.Shard != unit.Shard)
            {
                throw new InvalidDatasetException($"{file}: holds shard {done.Shard} of run {done.Identity}, "
                    + $"not shard {unit.Shard} of {unit.Configuration.Identity}");
            }
        }
        string title = $"sweep: {todo.Count} of {mine.Count} runs to do";
        int ran = Progress.Run(console, quiet, title, todo.Count, progress =>
        {
            int n = 0;
            foreach (Unit unit in todo)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RunUnit(unit, Path.Combine(results, unit.FileName), cancellationToken);
                progress.Report(++n);
            }
            return n;
        });
        return new Outcome(all.Count, mine.Count, ran, mine.Count - todo.Count);
    }

    private static void RunUnit(Unit unit, string file, CancellationToken cancellationToken)
    {
        EvalCommand.Settings settings = unit.Configuration.Settings;
        EvaluationRequest request = settings.ToRequest(unit.Configuration.Model) with { Shard = unit.Shard };
        EvaluationResult result = Evaluator.Run(request, null, cancellationToken);
        var json = EvalRunner.ShardJson(unit.Configuration.ModelHash, settings, unit.Shard, result, unit.Configuration.Json());
        ShardFile.WriteAtomically(file, json.ToJsonString(CliJson.Options) + Environment.NewLine, overwrite: false);
    }
}
