using System.Text.Json.Nodes;
using Ann2Snn.Cli.Commands;
using Ann2Snn.Evaluation;

namespace Ann2Snn.Cli.Scale;

/// <summary>
/// Groups shard files by the run they belong to (<see cref="EvalIdentity"/>), checks that each group holds every shard once,
/// and adds each group's totals up (<see cref="EvaluationTotals.Merge"/>) into the JSON an unsharded <c>eval --json</c> of the
/// run prints. Files of one eval merge into that object; files of a sweep into one such object per configuration.
/// </summary>
internal static class ShardMerge
{
    /// <summary>One run, merged: its identity, its sweep configuration (null for eval's shards), its JSON and totals.</summary>
    public sealed record Run(string Identity, JsonObject? Configuration, JsonObject Eval, EvaluationTotals Totals);

    /// <summary>
    /// The files <paramref name="inputs"/> name: a file as it is; a folder's <c>results/</c> folder when it has one (a sweep's
    /// output), else the folder's <c>*.json</c>; sorted by name, <paramref name="output"/> left out.
    /// </summary>
    public static IReadOnlyList<string> Files(IEnumerable<string> inputs, string? output)
    {
        string? skip = output is null ? null : Path.GetFullPath(output);
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (File.Exists(input))
            {
                files.Add(input);
                continue;
            }
            if (!Directory.Exists(input)) throw new InvalidOptionException($"input '{input}': no such file or folder");
            string results = Path.Combine(input, SweepRunner.ResultsFolder), dir = Directory.Exists(results) ? results : input;
            files.AddRange(Directory.EnumerateFiles(dir, "*.json").Where(f => Path.GetFullPath(f) != skip).Order(StringComparer.Ordinal));
        }
        if (files.Count == 0) throw new InvalidOptionException($"input '{string.Join(" ", inputs)}': no .json files to merge");
        return files;
    }

    /// <summary>Merges the shards of every run in <paramref name="shards"/> (in order of their configuration, then identity).</summary>
    public static IReadOnlyList<Run> Merge(IReadOnlyList<ShardFile> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var groups = shards.GroupBy(s => s.Identity).ToList();
        if (groups.Count > 1 && shards.All(s => s.Configuration is null))
        {
            ShardFile a = groups[0].First(), b = groups[1].First();
            string what = a.ModelHash != b.ModelHash ? "the model files differ" : EvalIdentity.Difference(a.Options, b.Options);
            throw new InvalidDatasetException($"{a.Path} and {b.Path} are shards of different evaluations: {what}");
        }
        var runs = new List<Run>();
        foreach (var group in groups)
        {
            ShardFile[] files = [.. group.OrderBy(s => s.Shard.Index)];
            ShardFile first = files[0];
            if (files.FirstOrDefault(s => s.Shard.Count != first.Shard.Count) is { } other)
            {
                throw new InvalidDatasetException(
                    $"{first.Path} is shard {first.Shard} but {other.Path} is shard {other.Shard} of the same run");
            }
            if (files.Zip(files.Skip(1)).FirstOrDefault(p => p.First.Shard.Index == p.Second.Shard.Index) is ({ } x, { } y))
            {
                throw new InvalidDatasetException($"shard {x.Shard} is given twice: {x.Path} and {y.Path}");
            }
            int[] missing = [.. Enumerable.Range(0, first.Shard.Count).Except(files.Select(s => s.Shard.Index))];
            if (missing.Length > 0)
            {
                string which = string.Join(", ", missing.Take(8).Select(i => $"{i}/{first.Shard.Count}"))
                    + (missing.Length > 8 ? ", …" : "");
                throw new InvalidDatasetException($"shard{(missing.Length > 1 ? "s" : "")} {which} of the run of {first.Path} "
                    + $"(identity {first.Identity}) {(missing.Length > 1 ? "are" : "is")} missing");
            }
            EvaluationTotals totals = EvaluationTotals.Merge([.. files.Select(f => f.Totals)], [.. files.Select(f => f.Path)]);
            var eval = (JsonObject)first.Root.DeepClone();
            eval.Remove(ShardFile.Key);
            eval.Remove(ShardFile.ConfigurationKey);
            foreach ((string key, object? value) in EvalOutput.Counts(totals))
            {
                eval[key] = System.Text.Json.JsonSerializer.SerializeToNode(value, CliJson.Options);
            }
            runs.Add(new Run(first.Identity, (JsonObject?)first.Configuration?.DeepClone(), eval, totals));
        }
        return [.. runs.OrderBy(r => r.Configuration?["index"]?.GetValue<int>() ?? 0).ThenBy(r => r.Identity, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The merged JSON: for the shards of one eval, the object its unsharded <c>--json</c> prints; for a sweep, every
    /// configuration's (identity, configuration, result).
    /// </summary>
    public static JsonNode Json(IReadOnlyList<Run> runs)
    {
        if (runs.Count == 1 && runs[0].Configuration is null) return runs[0].Eval;
        return new JsonObject
        {
            ["configurations"] = runs.Count,
            ["results"] = new JsonArray([.. runs.Select(r => new JsonObject
            {
                ["identity"] = r.Identity,
                ["configuration"] = r.Configuration,
                ["result"] = r.Eval,
            })]),
        };
    }
}
