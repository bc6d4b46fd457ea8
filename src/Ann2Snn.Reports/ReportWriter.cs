using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ann2Snn.Reports;

/// <summary>
/// Writes a <see cref="ReportData"/> as a folder: report.json (every number), CSV tables, PNG plots, index.html and
/// manifest.json. Everything is written to a temporary folder beside the target and moved into place at the end, so a
/// failed run leaves neither a half-written report nor a damaged previous one.
/// </summary>
public static class ReportWriter
{
    /// <summary>JSON settings of report.json and manifest.json: snake_case, indented, NaN and ∞ as strings.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) }, // enums by name, as in the CSV and HTML
    };

    /// <summary>
    /// Writes the report into <paramref name="dir"/> (replacing a previous report there); returns the path of index.html.
    /// </summary>
    public static string Write(ReportData data, string dir)
    {
        ArgumentNullException.ThrowIfNull(data);
        return WriteFolder(dir, temp => WriteFiles(data, temp));
    }

    /// <summary>
    /// Writes a report folder <paramref name="dir"/> (replacing a previous one) by <paramref name="writeFiles"/> into a temporary
    /// folder beside it, moved into place when complete; returns the path of its index.html.
    /// </summary>
    internal static string WriteFolder(string dir, Action<string> writeFiles)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        string target = Path.GetFullPath(dir.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string? parent = Path.GetDirectoryName(target);
        if (parent is null || Path.GetFileName(target).Length == 0) ThrowHelper.InvalidOption("report",
            $"'{dir}' is not a folder inside another");
        Directory.CreateDirectory(parent);
        string name = Path.GetFileName(target), token = Guid.NewGuid().ToString("N")[..8];
        string temp = Path.Combine(parent, $".{name}.tmp-{token}"), old = Path.Combine(parent, $".{name}.old-{token}");
        try
        {
            Directory.CreateDirectory(temp);
            writeFiles(temp);
            if (Directory.Exists(target)) Directory.Move(target, old);
            Directory.Move(temp, target);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            if (Directory.Exists(old) && !Directory.Exists(target)) Directory.Move(old, target);
            throw;
        }
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        return Path.Combine(target, "index.html");
    }

    private static void WriteFiles(ReportData d, string dir)
    {
        var files = new List<string>();
        void Text(string file, string content)
        {
            File.WriteAllText(Path.Combine(dir, file), content, new UTF8Encoding(false));
            files.Add(file);
        }

        Text("report.json", JsonSerializer.Serialize(d, JsonOptions));
        Text("accuracy.csv", Csv(["T", "snn", "ann"], d.Accuracy.Select(a => new object?[] { a.Timesteps, a.Snn, d.AnnAccuracy })));
        Text("layers.csv", Csv(
            ["layer", "kind", "neurons", "lambda", "spikes_per_image", "rate", "synaptic_events_per_image", "macs_per_image"],
            d.Layers.Select(l => new object?[]
                { l.Name, l.Kind, l.Neurons, l.Lambda, l.SpikesPerImage, l.Rate, l.SynapticEventsPerImage, l.MacsPerImage })));
        Text("energy.csv", Csv(["profile", "snn_joules", "ann_joules", "ann_over_snn", "snn_mac_share"],
            d.Energy.Select(e => new object?[] { e.Profile, e.SnnJoules, e.AnnJoules, e.Ratio, e.SnnMacShare })));
        Text("agreement.csv", Csv(
            ["population", "from_node", "neurons", "lambda", "correlation", "rmse", "saturated_fraction", "mean_ann", "mean_snn"],
            d.Agreement.Select(a => new object?[]
                { a.Name, a.FromNode, a.Neurons, a.Lambda, a.Correlation, a.Rmse, a.SaturatedFraction, a.MeanAnn, a.MeanSnn })));
        Text("bias_variance.csv", Csv(["T", "variance", "poisson_bias2", "debiased_poisson_bias2", "analog_bias2", "seeds"],
            d.BiasVariance.Select(p => new object?[]
                { p.Timesteps, p.Variance, p.PoissonBiasSquared, p.DebiasedPoissonBiasSquared, p.AnalogBiasSquared, p.Seeds })));
        if (d.Discretization is { } ds)
        {
            Text("discretization.csv", Csv(["dt", "mean_spike_time_error", "first_spike_error", "rate_error", "slope"],
                ds.Points.Select(p => new object?[] { p.Dt, p.MeanSpikeTimeError, p.FirstSpikeError, p.RateError, ds.Slope })));
        }
        if (d.Synapse.Count > 0)
        {
            Text("synapse.csv", Csv(["model", "tau_syn", "jitter", "mean_rate", "rate_standard_error", "count_cv"],
                d.Synapse.Select(p => new object?[]
                    { p.Model.ToString().ToLowerInvariant(), p.TauSyn, p.Jitter, p.MeanRate, p.RateStandardError, p.CountCv })));
        }

        var plots = new List<(string File, string Caption)>();
        if (d.Accuracy.Count > 0) plots.Add((ReportPlots.Accuracy(d, dir),
            "SNN accuracy against the simulation length T; the dashed line is the ANN."));
        if (d.BiasVariance.Count > 0) plots.Add((ReportPlots.BiasVariance(d, dir),
            "Squared error of the output estimate against the ANN: variance across Poisson seeds (∝ 1/T expected) and squared bias."));
        if (d.Layers.Any(l => l.Kind != "readout")) plots.Add((ReportPlots.Rates(d, dir),
            "Mean firing rate of each spiking layer over the whole run."));
        if (d.Energy.Count > 0) plots.Add((ReportPlots.Energy(d, dir),
            "Estimated energy per image under each hardware profile: SNN (circles) and ANN (squares)."));
        if (d.Discretization is { Points.Count: > 0 })
        {
            plots.Add((ReportPlots.Discretization(d, dir),
                "Δt study: mean spike-time error of the stepped LIF neuron against the exact solver; first order (slope ≈ 1) expected."));
        }
        if (d.Synapse.Count > 0) plots.Add((ReportPlots.Synapse(d, dir),
            "τs study: per-step membrane jitter falls with the synaptic time constant while the mean rate stays put."));
        for (int i = 0; i < d.Scatter.Count; i++)
        {
            plots.Add((ReportPlots.Scatter(d, d.Scatter[i], i, dir), $"Per-neuron agreement of population {d.Scatter[i].Population}."));
        }
        files.AddRange(plots.Select(p => p.File));

        Text("index.html", Html(d, plots));
        files.Add("manifest.json");
        Text("manifest.json", JsonSerializer.Serialize(new
        {
            d.Model,
            d.Data,
            d.DataSha256,
            d.Images,
            d.Seed,
            d.Versions,
            d.ConversionOptions,
            d.SimulationOptions,
            Created = DateTimeOffset.UtcNow,
            Files = files.Distinct().Order(StringComparer.Ordinal).ToArray(),
        }, JsonOptions));
    }

    /// <summary>A number or text as it appears in the CSV files (round-trip invariant numbers; empty for null).</summary>
    public static string CsvValue(object? value) => value switch
    {
        null => "",
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        float x => x.ToString("R", CultureInfo.InvariantCulture),
        string s when s.AsSpan().IndexOfAny(",\"\n\r") >= 0 => $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    internal static string Csv(string[] header, IEnumerable<object?[]> rows)
    {
        var sb = new StringBuilder().Append(string.Join(',', header)).Append('\n');
        foreach (object?[] row in rows) sb.Append(string.Join(',', row.Select(CsvValue))).Append('\n');
        return sb.ToString();
    }

    internal static string E(string s) => WebUtility.HtmlEncode(s);

    internal static string Pct(double x) => (100 * x).ToString("F2", CultureInfo.InvariantCulture) + " %";

    internal static string G(double x) => double.IsNaN(x) ? "—" : x.ToString("G4", CultureInfo.InvariantCulture);

    private static string Joules(double j) => j >= 1e-3 ? $"{G(j * 1e3)} mJ" : j >= 1e-6 ? $"{G(j * 1e6)} µJ" : $"{G(j * 1e9)} nJ";

    internal static void Table(StringBuilder sb, string[] header, IEnumerable<string[]> rows, string? cssClass = null)
    {
        sb.Append(cssClass is null ? "<table>" : $"<table class=\"{cssClass}\">").Append("<thead><tr>");
        foreach (string h in header) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>\n");
        foreach (string[] row in rows)
        {
            sb.Append("<tr>");
            foreach (string c in row) sb.Append("<td>").Append(E(c)).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table>\n");
    }

    /// <summary>The start of a report page: doctype, <paramref name="title"/>, the shared style sheet, the body opened.</summary>
    internal static void Head(StringBuilder sb, string title)
    {
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1300px;color:#222;padding:0 1em}")
          .Append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}")
          .Append("th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}")
          .Append("figure{display:inline-block;margin:.5em;vertical-align:top;width:calc(50% - 1.2em)}table.facts td{text-align:left}"
              + "figure img{max-width:100%;border:1px solid #ddd}")
          .Append("figcaption{font-size:.9em;color:#555}.warn{color:#a40}code{background:#f4f4f4;padding:0 .2em}")
          .Append("</style></head><body>\n");
    }

    /// <summary>A figure per plot: the image and its caption.</summary>
    internal static void Figures(StringBuilder sb, IEnumerable<(string File, string Caption)> plots)
    {
        foreach (var (file, caption) in plots)
        {
            sb.Append("<figure><img src=\"").Append(E(file)).Append("\" alt=\"").Append(E(caption)).Append("\"><figcaption>")
                .Append(E(caption)).Append("</figcaption></figure>\n");
        }
    }

    private static string Html(ReportData d, List<(string File, string Caption)> plots)
    {
        var sb = new StringBuilder();
        Head(sb, $"Ann2Snn report: {Path.GetFileName(d.Model)}");
        sb.Append("<h1>Ann2Snn report: ").Append(E(Path.GetFileName(d.Model))).Append("</h1>\n");
        Table(sb, ["item", "value"],
        [
            ["model", d.Model],
            ["data", d.Data],
            ["images", d.Images.ToString("N0", CultureInfo.InvariantCulture)],
            ["data SHA-256", d.DataSha256],
            ["input / backend", $"{d.Input} / {d.Backend}"],
            ["timesteps T", d.Timesteps.ToString(CultureInfo.InvariantCulture)],
            ["seed", d.Seed.ToString(CultureInfo.InvariantCulture)],
            ["ANN accuracy", d.AnnAccuracy is { } a ? Pct(a) : "—"],
            [$"SNN accuracy at T = {d.Timesteps}", d.Accuracy.Count > 0 ? Pct(d.Accuracy[^1].Snn) : "—"],
            ["latency to a stable answer",
                $"median {d.Latency.P50}, 90 % by {d.Latency.P90}, 99 % by {d.Latency.P99} steps (mean {d.Latency.Mean:F1})"],
            ["versions", $"Ann2Snn {d.Versions.Ann2Snn}; {d.Versions.Runtime}; ScottPlot {d.Versions.ScottPlot}"],
        ], "facts");
        sb.Append("<h2>Plots</h2>\n");
        Figures(sb, plots);
        sb.Append("<h2>Accuracy against T</h2>\n");
        Table(sb, ["T", "SNN", "ANN", "SNN − ANN (pp)"], d.Accuracy.Select(p => new[]
        {
            p.Timesteps.ToString(CultureInfo.InvariantCulture), Pct(p.Snn), d.AnnAccuracy is { } a ? Pct(a) : "—",
            d.AnnAccuracy is { } b ? (100 * (p.Snn - b)).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) : "—",
        }));
        sb.Append("<h2>Activity per image</h2>\n");
        // Operator layers compute on accumulated values every step: MACs, not synaptic events.
        Table(sb, ["layer", "kind", "neurons", "λ", "spikes", "rate (per step)", "synaptic events", "MACs"], d.Layers.Select(l => new[]
        {
            l.Name, l.Kind, l.Neurons.ToString("N0", CultureInfo.InvariantCulture), l.Lambda is { } x ? G(x) : "",
            l.SpikesPerImage.ToString("N0", CultureInfo.InvariantCulture), G(l.Rate),
            l.SynapticEventsPerImage.ToString("N0", CultureInfo.InvariantCulture),
            l.MacsPerImage.ToString("N0", CultureInfo.InvariantCulture),
        }));
        sb.Append("<h2>Latency to a stable answer</h2>\n");
        Table(sb, ["stable from step", "images"], d.Latency.Bins.Select(b => new[]
        {
            b.From == b.To ? $"{b.From}" : $"{b.From}–{b.To}", b.Images.ToString("N0", CultureInfo.InvariantCulture)
        }));
        if (d.Energy.Count > 0)
        {
            sb.Append("<h2>Energy per image</h2>\n");
            Table(sb, ["profile", "SNN", "ANN", "ANN / SNN", "SNN share in MACs"], d.Energy.Select(e => new[]
            {
                e.Profile, Joules(e.SnnJoules), Joules(e.AnnJoules), G(e.Ratio),
                e.SnnMacShare.ToString("P1", CultureInfo.InvariantCulture),
            }));
        }
        if (d.Agreement.Count > 0)
        {
            sb.Append("<h2>Per-layer agreement (first ").Append(d.AgreementImages).Append(" images)</h2>\n");
            Table(sb, ["population", "ANN node", "neurons", "λ", "correlation", "RMSE", "saturated", "mean ANN", "mean SNN"],
                d.Agreement.Select(p => new[]
                {
                    p.Name, p.FromNode, p.Neurons.ToString("N0", CultureInfo.InvariantCulture), G(p.Lambda), G(p.Correlation), G(p.Rmse),
                    Pct(p.SaturatedFraction), G(p.MeanAnn), G(p.MeanSnn),
                }));
            foreach (string w in d.AgreementWarnings) sb.Append("<p class=\"warn\">").Append(E(w)).Append("</p>\n");
        }
        if (d.BiasVariance.Count > 0)
        {
            sb.Append("<h2>Bias and variance of the output (first ").Append(d.BiasVarianceImages).Append(" images)</h2>\n");
            Table(sb, ["T", "variance", "bias² (Poisson)", "bias² (Poisson, debiased)", "bias² (analog)", "seeds"],
                d.BiasVariance.Select(p => new[]
                {
                    p.Timesteps.ToString(CultureInfo.InvariantCulture), G(p.Variance), G(p.PoissonBiasSquared),
                    G(p.DebiasedPoissonBiasSquared), G(p.AnalogBiasSquared), p.Seeds.ToString(CultureInfo.InvariantCulture),
                }));
            if (d.VarianceSlope is { } slope) sb.Append("<p>slope of log variance against log T: ").Append(E(G(slope)))
                .Append(" (−1 expected)</p>\n");
            if (d.Saturation is { } sat)
            {
                sb.Append("<p>bias by cause at T = ").Append(sat.Timesteps).Append(": analog bias² ").Append(E(G(sat.BiasSquared)))
                  .Append(", of which saturation ").Append(E((100 * sat.Fraction).ToString("F1", CultureInfo.InvariantCulture)))
                  .Append(" % (a max-normalized conversion, which cannot saturate, leaves ")
                  .Append(E(G(sat.MaxNormBiasSquared))).Append("; the rest is quantization and the start-up transient)</p>\n");
            }
        }
        if (d.Discretization is { } ds)
        {
            sb.Append("<h2>Δt study (LIF neuron, stepped vs. exact)</h2>\n");
            Table(sb, ["Δt", "mean spike-time error", "first-spike error", "rate error"],
                ds.Points.Select(p => new[] { G(p.Dt), G(p.MeanSpikeTimeError), G(p.FirstSpikeError), G(p.RateError) }));
            sb.Append("<p>slope of log error against log Δt: ").Append(E(G(ds.Slope))).Append(" (1 expected)</p>\n");
        }
        if (d.Synapse.Count > 0)
        {
            sb.Append("<h2>τs study (Poisson input)</h2>\n");
            Table(sb, ["synapse", "τs (steps)", "jitter", "mean rate", "rate s.e.", "count CV"], d.Synapse.Select(p => new[]
            {
                p.Model.ToString().ToLowerInvariant(), p.Model == Simulation.SynapseModel.Delta ? "—" : G(p.TauSyn), G(p.Jitter),
                G(p.MeanRate), G(p.RateStandardError), G(p.CountCv),
            }));
        }
        sb.Append("<h2>Options</h2>\n");
        Table(sb, ["option", "value"], d.ConversionOptions.Select(kv => new[] { "conversion." + kv.Key, kv.Value })
            .Concat(d.SimulationOptions.Select(kv => new[] { "simulation." + kv.Key, kv.Value })));
        sb.Append("<p>Files: <code>report.json</code>, <code>manifest.json</code>, <code>accuracy.csv</code>, <code>layers.csv</code>, "
            + "<code>energy.csv</code>, <code>agreement.csv</code>, <code>bias_variance.csv</code>, <code>discretization.csv</code>, "
            + "<code>synapse.csv</code>.</p>\n");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}
