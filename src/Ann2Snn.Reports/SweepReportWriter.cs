using System.Globalization;
using System.Text;
using System.Text.Json;
using Ann2Snn.Evaluation;

namespace Ann2Snn.Reports;

/// <summary>
/// Writes the report of a sweep (<see cref="SweepRun"/> per configuration): index.html with accuracy against T per configuration,
/// the Pareto front of accuracy against synaptic events (each configuration at its whole window) and a table ranked by accuracy
/// at each T; sweep.json (every number) and sweep.csv (one row per configuration and T). Complete or not at all, like
/// <see cref="ReportWriter"/>'s reports.
/// </summary>
public static class SweepReportWriter
{
    /// <summary>Header of sweep.csv; one row per configuration and reported T follows.</summary>
    public static IReadOnlyList<string> CsvHeader { get; } =
    [
        "configuration", "model", "data", "images", "T", "accuracy", "ann_accuracy", "window", "synaptic_events_per_image",
        "spikes_per_image", "backend", "pareto", "rank_at_T",
    ];

    /// <summary>Writes the report into <paramref name="dir"/> (replacing a previous one); returns the path of index.html.</summary>
    public static string Write(IReadOnlyList<SweepRun> runs, string dir)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) ThrowHelper.InvalidOption("report", "a sweep report needs at least one configuration");
        return ReportWriter.WriteFolder(dir, temp => WriteFiles(runs, temp));
    }

    /// <summary>The configurations on the Pareto front of accuracy against events (<see cref="ParetoFront"/>).</summary>
    public static IReadOnlyList<SweepRun> Front(IReadOnlyList<SweepRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var points = new Dictionary<LatencyPoint, SweepRun>(ReferenceEqualityComparer.Instance);
        foreach (SweepRun r in runs) points.Add(r.Point, r);
        return [.. ParetoFront.Of(points.Keys).Select(p => points[p])];
    }

    /// <summary>
    /// At each T that some configuration reports, the configurations that report it, by accuracy there (descending; ties by fewer
    /// events, then by label).
    /// </summary>
    public static IReadOnlyList<(int T, IReadOnlyList<(SweepRun Run, double Accuracy)> Ranked)> Ranking(IReadOnlyList<SweepRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return [.. runs.SelectMany(r => r.Accuracy.Select(a => a.Timesteps)).Distinct().Order().Select(t =>
            (t, (IReadOnlyList<(SweepRun, double)>)[.. runs
                .SelectMany(r => r.Accuracy.Where(a => a.Timesteps == t).Select(a => (Run: r, Accuracy: a.Snn)))
                .OrderByDescending(x => x.Accuracy).ThenBy(x => x.Run.SynapticEventsPerImage)
                .ThenBy(x => x.Run.Label, StringComparer.Ordinal)]))];
    }

    private static void WriteFiles(IReadOnlyList<SweepRun> runs, string dir)
    {
        void Text(string file, string content) => File.WriteAllText(Path.Combine(dir, file), content, new UTF8Encoding(false));
        IReadOnlyList<SweepRun> front = Front(runs);
        var ranking = Ranking(runs);
        int Rank(SweepRun r, int t) => ranking.First(x => x.T == t).Ranked.Select(x => x.Run).ToList().IndexOf(r) + 1;
        Text("sweep.json", JsonSerializer.Serialize(new
        {
            Configurations = runs.Select(r => new
            {
                r.Label,
                r.Model,
                r.Data,
                r.Images,
                Window = r.Timesteps,
                r.AnnAccuracy,
                r.SynapticEventsPerImage,
                r.SpikesPerImage,
                r.Backend,
                Pareto = front.Contains(r),
                Values = r.Values.ToDictionary(v => v.Key, v => v.Value),
                Accuracy = r.Accuracy.ToDictionary(a => a.Timesteps.ToString(CultureInfo.InvariantCulture), a => a.Snn),
            }),
            Front = front.Select(r => r.Label),
            Versions = ReportBuilder.Versions(),
        }, ReportWriter.JsonOptions));
        Text("sweep.csv", ReportWriter.Csv([.. CsvHeader], runs.SelectMany(r => r.Accuracy.Select(a => new object?[]
        {
            r.Label, r.Model, r.Data, r.Images, a.Timesteps, a.Snn, r.AnnAccuracy, r.Timesteps, r.SynapticEventsPerImage,
            r.SpikesPerImage, r.Backend, front.Contains(r) ? 1 : 0, Rank(r, a.Timesteps),
        }))));
        string[] labels = [.. runs.Select(r => r.Label)];
        LatencyPoint[] curve = [.. runs.SelectMany(r => r.Accuracy.Select(a => new LatencyPoint(r.Label, a.Timesteps, a.Snn, 0, 0, 0,
            r.Backend, [])))];
        double? ann = runs.Select(r => r.AnnAccuracy).Distinct().Count() == 1 ? runs[0].AnnAccuracy : null;
        (string File, string Caption)[] plots =
        [
            (LatencyPlots.Accuracy($"Accuracy vs. T per configuration ({runs.Max(r => r.Images):N0} images)", labels, curve, ann, null,
                dir, "sweep_accuracy.png"), "SNN accuracy against T, one line per configuration; dashed: the ANN (when all share it)."),
            (LatencyPlots.Pareto(labels, [.. runs.Select(r => r.Point)], [.. front.Select(r => r.Point)], ann, dir, "sweep_pareto.png"),
                "Accuracy against synaptic events per image, each configuration at its whole window; ringed: the Pareto front."),
        ];
        Text("index.html", Html(runs, front, ranking, plots));
    }

    private static string Html(IReadOnlyList<SweepRun> runs, IReadOnlyList<SweepRun> front,
        IReadOnlyList<(int T, IReadOnlyList<(SweepRun Run, double Accuracy)> Ranked)> ranking, (string File, string Caption)[] plots)
    {
        var sb = new StringBuilder();
        const string title = "Ann2Snn sweep report";
        ReportWriter.Head(sb, title);
        sb.Append("<h1>").Append(title).Append("</h1>\n");
        string N(double x) => x.ToString("N0", CultureInfo.InvariantCulture);
        ReportWriter.Table(sb, ["item", "value"],
        [
            ["configurations", N(runs.Count)],
            ["models", string.Join(", ", runs.Select(r => r.Model).Distinct())],
            ["data", string.Join(", ", runs.Select(r => $"{r.Data} ({N(r.Images)} images)").Distinct())],
            ["Pareto front", string.Join(", ", front.Select(r => r.Label))],
        ], "facts");
        ReportWriter.Figures(sb, plots);
        sb.Append("<h2>Configurations</h2>\n");
        ReportWriter.Table(sb, ["configuration", "T", "accuracy at T", "ANN", "events per image", "spikes per image", "backend", "Pareto"],
            runs.Select(r => new[]
            {
                r.Label, r.Timesteps.ToString(CultureInfo.InvariantCulture), ReportWriter.Pct(r.Accuracy[^1].Snn),
                r.AnnAccuracy is double a ? ReportWriter.Pct(a) : "—", N(r.SynapticEventsPerImage), N(r.SpikesPerImage), r.Backend,
                front.Contains(r) ? "front" : "",
            }));
        sb.Append("<h2>Ranked by accuracy at each T</h2>\n");
        foreach ((int t, IReadOnlyList<(SweepRun Run, double Accuracy)> ranked) in ranking)
        {
            sb.Append("<h3>T = ").Append(t.ToString(CultureInfo.InvariantCulture)).Append("</h3>\n");
            ReportWriter.Table(sb, ["rank", "configuration", "accuracy", "SNN − ANN (pp)", "events per image (whole window)"],
                ranked.Select((x, i) => new[]
                {
                    (i + 1).ToString(CultureInfo.InvariantCulture), x.Run.Label, ReportWriter.Pct(x.Accuracy),
                    x.Run.AnnAccuracy is double a
                        ? (100 * (x.Accuracy - a)).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture)
                        : "—",
                    N(x.Run.SynapticEventsPerImage),
                }));
        }
        sb.Append("<p>Files: <code>sweep.json</code> (every number), <code>sweep.csv</code> (one row per configuration and T).</p>\n")
            .Append("</body></html>\n");
        return sb.ToString();
    }
}
