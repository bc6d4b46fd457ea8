using System.Text.Json.Nodes;
using Ann2Snn.Reports;

namespace Ann2Snn.Cli.Scale;

/// <summary>Merged runs as the sweep report takes them, each labelled by the values that set it apart from the others.</summary>
internal static class SweepReport
{
    public static IReadOnlyList<SweepRun> Of(IReadOnlyList<ShardMerge.Run> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var values = runs.Select(Values).ToList();
        string[] varying = [.. values.SelectMany(v => v.Select(p => p.Key)).Distinct()
            .Where(k => values.Select(v => v.FirstOrDefault(p => p.Key == k).Value).Distinct().Count() > 1)];
        return [.. runs.Select((r, i) =>
        {
            string model = r.Eval["model"]?.GetValue<string>() ?? "";
            string label = varying.Length == 0
                ? Path.GetFileNameWithoutExtension(model)
                : string.Join(" ", varying.Select(k => $"{Short(k)}={Shown(k, values[i].FirstOrDefault(p => p.Key == k).Value)}"));
            return new SweepRun(label, model, r.Eval["data"]?.GetValue<string>() ?? "", r.Totals.Images, r.Totals.Timesteps,
                r.Totals.Accuracy(), r.Totals.AnnAccuracy, r.Totals.SynapticEventsPerImage, r.Totals.SpikesPerImage,
                r.Eval["backend"]?.GetValue<string>() ?? "", values[i]);
        })];
    }

    /// <summary>The values the spec set for a run (a sweep's configuration), or none for an eval's shards.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> Values(ShardMerge.Run r) =>
        r.Configuration?["values"] is JsonObject values
            ? [.. values.Select(v => KeyValuePair.Create(v.Key, v.Value?.GetValue<string>() ?? ""))]
            : [];

    private static string Short(string key) => key.TrimStart('-');

    private static string Shown(string key, string? value) => key == "model" ? Path.GetFileNameWithoutExtension(value ?? "") : value ?? "";
}
