using System.Globalization;
using System.Text;
using System.Text.Json;
using Ann2Snn.Evaluation;

namespace Ann2Snn.Reports;

/// <summary>
/// Writes a <see cref="LatencySweepResult"/> as a report folder: index.html with accuracy against T per method, the Pareto plot of
/// accuracy against synaptic events and the matched-accuracy table; latency.json (the whole result) and latency.csv (one row
/// per point). Written like <see cref="ReportWriter"/>'s reports: complete or not at all.
/// </summary>
public static class LatencyReportWriter
{
    /// <summary>Header of latency.csv; one row per point follows.</summary>
    public static IReadOnlyList<string> CsvHeader { get; } =
    [
        "method", "T", "accuracy", "synaptic_events_per_image", "spikes_per_image", "conversion_seconds", "backend", "pareto",
        "matched", "choices",
    ];

    /// <summary>Writes the report into <paramref name="dir"/> (replacing a previous one); returns the path of index.html.</summary>
    public static string Write(LatencySweepResult result, string dir)
    {
        ArgumentNullException.ThrowIfNull(result);
        return ReportWriter.WriteFolder(dir, temp => WriteFiles(result, temp));
    }

    /// <summary>
    /// The result as latency.json holds it (serialized with <see cref="ReportWriter.JsonOptions"/>: snake_case keys): the run,
    /// every point with whether it is on the Pareto front and its tuning choices, the matched accuracy per method, the front.
    /// </summary>
    public static object Json(LatencySweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        LatencySweepResult r = result;
        return new
        {
            r.Model,
            r.Data,
            r.Images,
            r.AnnAccuracy,
            TolerancePp = r.Tolerance,
            r.Target,
            r.Reference,
            r.Windows,
            Methods = r.Methods.Select(m => new { Name = m, Description = r.Descriptions[m] }),
            Points = r.Points.Select(p => new
            {
                p.Method,
                T = p.Timesteps,
                p.Accuracy,
                p.SynapticEventsPerImage,
                p.SpikesPerImage,
                p.ConversionSeconds,
                p.Backend,
                Pareto = r.OnFront(p),
                p.Choices,
            }),
            Matched = r.Matched.Select(m => new
            {
                m.Method,
                T = m.Timesteps,
                m.Accuracy,
                m.SynapticEventsPerImage,
                m.RelativeEvents,
            }),
            Front = r.Front.Select(p => p.Label),
            Versions = ReportBuilder.Versions(),
        };
    }

    private static void WriteFiles(LatencySweepResult r, string dir)
    {
        void Text(string file, string content) => File.WriteAllText(Path.Combine(dir, file), content, new UTF8Encoding(false));
        Text("latency.json", JsonSerializer.Serialize(Json(r), ReportWriter.JsonOptions));
        Text("latency.csv", ReportWriter.Csv([.. CsvHeader], r.Points.Select(p => new object?[]
        {
            p.Method, p.Timesteps, p.Accuracy, p.SynapticEventsPerImage, p.SpikesPerImage, p.ConversionSeconds, p.Backend,
            r.OnFront(p) ? 1 : 0, r.Matched.Any(m => m.Method == p.Method && m.Timesteps == p.Timesteps) ? 1 : 0,
            string.Join(" | ", p.Choices),
        })));
        (string File, string Caption)[] plots =
        [
            (LatencyPlots.Accuracy(r, dir),
                "Accuracy against the window T, one line per method; dashed: the ANN, dotted: matched accuracy."),
            (LatencyPlots.Pareto(r, dir), "Accuracy against synaptic events per image, every point method@T; ringed: the Pareto front."),
        ];
        Text("index.html", Html(r, plots));
    }

    private static string Html(LatencySweepResult r, (string File, string Caption)[] plots)
    {
        var sb = new StringBuilder();
        string title = $"Ann2Snn latency report: {Path.GetFileName(r.Model)}";
        ReportWriter.Head(sb, title);
        sb.Append("<h1>").Append(ReportWriter.E(title)).Append("</h1>\n");
        string N(double x) => x.ToString("N0", CultureInfo.InvariantCulture);
        ReportWriter.Table(sb, ["item", "value"],
        [
            ["model", r.Model],
            ["data", r.Data],
            ["images", N(r.Images)],
            ["ANN accuracy", ReportWriter.Pct(r.AnnAccuracy)],
            ["matched accuracy", $"{ReportWriter.Pct(r.Target)} (ANN − {r.Tolerance.ToString("G3", CultureInfo.InvariantCulture)} pp)"],
            ["windows T", string.Join(", ", r.Windows)],
        ], "facts");
        ReportWriter.Figures(sb, plots);
        LatencyPoint? reference = r.Matched.FirstOrDefault(m => m.Method == r.Reference) is { Timesteps: { } rt }
            ? r.At(r.Reference, rt)
            : null;
        sb.Append("<h2>Events at matched accuracy</h2>\n<p>The smallest window at which each method reaches ")
            .Append(ReportWriter.E(ReportWriter.Pct(r.Target))).Append(", and its synaptic events per image there")
            .Append(reference is null
                ? $" ({ReportWriter.E(r.Reference)} does not reach it: no ratio)."
                : $", against {ReportWriter.E(reference.Label)} ({N(reference.SynapticEventsPerImage)} events).")
            .Append("</p>\n");
        string[] matchedHeader = ["method", "T needed", "accuracy", "events per image", $"events / {r.Reference}'s"];
        ReportWriter.Table(sb, matchedHeader, r.Matched.Select(m => new[]
        {
            m.Method, m.Timesteps is { } t ? t.ToString(CultureInfo.InvariantCulture) : $"not reached (T ≤ {r.Windows.Max()})",
            m.Accuracy is { } a ? ReportWriter.Pct(a) : "—", m.SynapticEventsPerImage is { } e ? N(e) : "—",
            m.RelativeEvents is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "—",
        }));
        sb.Append("<h2>Accuracy against T</h2>\n");
        string[] Row(string m) => [m, .. r.Windows.Select(t => r.At(m, t) is { } p ? ReportWriter.Pct(p.Accuracy) : "—")];
        ReportWriter.Table(sb, ["method", .. r.Windows.Select(t => $"T = {t}")], r.Methods.Select(Row));
        sb.Append("<h2>Every point</h2>\n");
        string[] pointHeader = ["point", "accuracy", "SNN − ANN (pp)", "events per image", "spikes per image", "conversion (s)", "Pareto"];
        ReportWriter.Table(sb, pointHeader, r.Points.Select(p => new[]
        {
            p.Label, ReportWriter.Pct(p.Accuracy),
            (100 * (p.Accuracy - r.AnnAccuracy)).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture),
            N(p.SynapticEventsPerImage), N(p.SpikesPerImage), p.ConversionSeconds.ToString("F1", CultureInfo.InvariantCulture),
            r.OnFront(p) ? "front" : "",
        }));
        sb.Append("<h2>Methods</h2>\n");
        ReportWriter.Table(sb, ["method", "what it does"], r.Methods.Select(m => new[] { m, r.Descriptions[m] }));
        sb.Append("<p>Files: <code>latency.json</code> (every number, the tuning choices of each point), <code>latency.csv</code> "
            + "(one row per point).</p>\n</body></html>\n");
        return sb.ToString();
    }
}
