using System.Globalization;
using System.Text;
using System.Text.Json;
using Ann2Snn.Adversarial;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using ScottPlot;
using SkiaSharp;

namespace Ann2Snn.Reports;

/// <summary>
/// Writes an <see cref="AdversarialResult"/>: the report folder (index.html with accuracy against ε for the ANN and the SNN at
/// each T, a grid of example images, attack.json), the JSON object <c>ann2snn attack --json</c> prints, and the adversarial
/// images as NPY files that <c>eval --data images.npy,labels.npy</c> reads back.
/// </summary>
public static class AttackReportWriter
{
    /// <summary>
    /// The result as attack.json and <c>--json</c> hold it (snake_case keys): per ε <c>ann_accuracy</c> and <c>snn_accuracy</c>
    /// keyed by T (as <c>eval --json</c>), the transfer rate, the perturbations absorbed and the layers' spike changes keyed by T.
    /// </summary>
    public static object Json(AdversarialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        AdversarialResult r = result;
        AttackOptions a = r.Request.Attack;
        static string K(int t) => t.ToString(CultureInfo.InvariantCulture);
        return new
        {
            r.Model,
            r.Data,
            r.Images,
            Method = a.Method.Name(),
            Attack = new
            {
                Steps = a.EffectiveSteps,
                StepSize = a.Method == AttackMethod.Fgsm ? (float?)null : a.StepSize,
                a.RandomStart,
                a.Seed,
                Loss = a.Loss == Ann.LogitLoss.Margin ? "margin" : "cross-entropy",
                Range = new[] { a.Min, a.Max },
                Layer = r.SignFlipLayer,
            },
            Input = r.Input.ToString().ToLowerInvariant(),
            Backend = r.Simulator,
            Timesteps = r.Timesteps,
            Clean = new
            {
                AnnAccuracy = r.CleanAnnAccuracy,
                SnnAccuracy = r.Timesteps.Select((t, k) => (t, k)).ToDictionary(p => K(p.t), p => r.CleanSnnAccuracy[p.k]),
            },
            Epsilons = r.Rows.Select(row => new
            {
                Eps = row.Epsilon,
                row.AnnAccuracy,
                SnnAccuracy = row.Snn.ToDictionary(s => K(s.Timesteps), s => s.Accuracy),
                TransferRate = row.Snn.ToDictionary(s => K(s.Timesteps), s => s.TransferRate),
                Absorbed = row.Snn.ToDictionary(s => K(s.Timesteps), s => s.Absorbed),
                LayerSpikeChange = row.Snn.ToDictionary(s => K(s.Timesteps),
                    s => r.Layers.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => Finite(s.LayerSpikeChange[p.i]))),
                MeanLinf = row.MeanLInfinity,
                row.MeanL2,
                row.ActivePerImage,
                row.SilencedPerImage,
                row.SilencedFraction,
            }),
            r.AttackSeconds,
            Versions = ReportBuilder.Versions(),
        };
    }

    /// <summary>Writes the report into <paramref name="dir"/> (replacing a previous one); returns the path of index.html.</summary>
    public static string Write(AdversarialResult result, string dir)
    {
        ArgumentNullException.ThrowIfNull(result);
        return ReportWriter.WriteFolder(dir, temp => WriteFiles(result, temp));
    }

    /// <summary>
    /// Writes every adversarial image into <paramref name="dir"/> (replaced whole): <c>images.npy</c> (float32, in the model's input
    /// layout, scaled but not normalized, as the data set gives them) and <c>labels.npy</c>; with several ε, one folder
    /// <c>eps-ε</c> each. Returns the folders written.
    /// </summary>
    public static IReadOnlyList<string> SaveAdversarial(AdversarialResult result, string dir)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Adversarial.Count != result.Rows.Count) throw new InvalidOperationException("the adversarial images were not kept");
        var folders = new List<string>();
        ReportWriter.WriteFolder(dir, temp =>
        {
            for (int k = 0; k < result.Rows.Count; k++)
            {
                string name = result.Rows.Count == 1
                    ? ""
                    : "eps-" + result.Rows[k].Epsilon.ToString("0.#####", CultureInfo.InvariantCulture);
                string folder = Path.Combine(temp, name);
                Directory.CreateDirectory(folder);
                float[] images = InModelLayout(result, result.Adversarial[k]);
                NpyWriter.Write(Path.Combine(folder, "images.npy"), images, [result.Images, .. result.FrontEnd.ModelShape.ToArray()]);
                NpyWriter.Write(Path.Combine(folder, "labels.npy"), result.Labels);
                folders.Add(Path.Combine(Path.GetFullPath(dir), name));
            }
        });
        return folders;
    }

    /// <summary>The images laid out as the model takes them (flattened, channels last, …), values unchanged.</summary>
    private static float[] InModelLayout(AdversarialResult r, float[] images)
    {
        var data = new ArrayDataset(images, r.Labels, r.ImageShape);
        var layout = PreprocessedDataset.For(data, new InputPreprocessing { PixelScale = 1f }, r.FrontEnd.ModelShape, "model");
        return [.. layout.Batches(Math.Max(1, r.Images)).SelectMany(b => b.Data.Take(b.Count * r.FrontEnd.ModelShape.Size))];
    }

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    private static void WriteFiles(AdversarialResult r, string dir)
    {
        void Text(string file, string content) => File.WriteAllText(Path.Combine(dir, file), content, new UTF8Encoding(false));
        Text("attack.json", JsonSerializer.Serialize(Json(r), ReportWriter.JsonOptions));
        (string File, string Caption)[] figures =
        [
            (AccuracyPlot(r, dir), "Accuracy against ε: the ANN (black) and the SNN at each T, on the same adversarial images."),
            (Examples(r, dir), "Examples: clean image, then for each ε the adversarial image and the perturbation (grey = 0, "
                + "white/black = ±ε)."),
        ];
        var sb = new StringBuilder();
        string title = $"Ann2Snn attack report: {Path.GetFileName(r.Model)}";
        ReportWriter.Head(sb, title);
        sb.Append("<h1>").Append(ReportWriter.E(title)).Append("</h1>\n");
        AttackOptions a = r.Request.Attack;
        ReportWriter.Table(sb, ["item", "value"],
        [
            ["model", r.Model],
            ["data", r.Data],
            ["images", r.Images.ToString("N0", CultureInfo.InvariantCulture)],
            ["attack", $"{a.Method.Name()}, {a.EffectiveSteps} step(s)" + (a.RandomStart ? ", random start" : "")
                + (r.SignFlipLayer is { } l ? $", layer {l}" : "")],
            ["SNN", $"{r.Simulator} backend, {r.Input.ToString().ToLowerInvariant()} input, T = {string.Join(", ", r.Timesteps)}"],
            ["clean accuracy", $"ANN {ReportWriter.Pct(r.CleanAnnAccuracy)}; SNN "
                + string.Join(", ", r.Timesteps.Select((t, k) => $"T={t} {ReportWriter.Pct(r.CleanSnnAccuracy[k])}"))],
        ], "facts");
        ReportWriter.Figures(sb, figures);
        sb.Append("<h2>Accuracy, transfer and absorption per ε</h2>\n<p>Transfer: of the images the attack fools the ANN on, the share "
            + "the SNN gets wrong too. Absorbed: of the images whose ANN prediction the attack changes, the share whose SNN prediction "
            + "it does not change.</p>\n");
        string P(double? x) => x is { } v ? ReportWriter.Pct(v) : "—";
        ReportWriter.Table(sb, ["ε", "ANN", .. r.Timesteps.Select(t => $"SNN T={t}"), .. r.Timesteps.Select(t => $"transfer T={t}"),
            .. r.Timesteps.Select(t => $"absorbed T={t}")], r.Rows.Select(row => (string[])
        [
            row.Epsilon.ToString("g4", CultureInfo.InvariantCulture), P(row.AnnAccuracy), .. row.Snn.Select(s => P(s.Accuracy)),
            .. row.Snn.Select(s => P(s.TransferRate)), .. row.Snn.Select(s => P(s.Absorbed)),
        ]));
        sb.Append("<h2>Spike count change per layer (adversarial / clean − 1)</h2>\n");
        ReportWriter.Table(sb, ["ε", "T", .. r.Layers], r.Rows.SelectMany(row => row.Snn.Select(s => (string[])
        [
            row.Epsilon.ToString("g4", CultureInfo.InvariantCulture), s.Timesteps.ToString(CultureInfo.InvariantCulture),
            .. s.LayerSpikeChange.Select(c => double.IsFinite(c) ? c.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture) : "new"),
        ])));
        if (r.SignFlipLayer is not null)
        {
            sb.Append("<h2>Silenced neurons</h2>\n");
            ReportWriter.Table(sb, ["ε", "active per image (clean)", "silenced per image", "silenced"], r.Rows.Select(row => new[]
            {
                row.Epsilon.ToString("g4", CultureInfo.InvariantCulture), $"{row.ActivePerImage:F1}", $"{row.SilencedPerImage:F1}",
                P(row.SilencedFraction),
            }));
        }
        sb.Append("<p>Every number: <code>attack.json</code>.</p>\n</body></html>\n");
        Text("index.html", sb.ToString());
    }

    private static string AccuracyPlot(AdversarialResult r, string dir)
    {
        Plot plot = ReportPlots.New($"Accuracy vs. ε ({r.Request.Attack.Method.Name()}, {r.Images:N0} images)", "ε", "accuracy (%)");
        double[] xs = [0, .. r.Rows.Select(row => (double)row.Epsilon)];
        var ann = plot.Add.Scatter(xs, [100 * r.CleanAnnAccuracy, .. r.Rows.Select(row => 100 * row.AnnAccuracy)], Colors.Black);
        ann.LegendText = "ANN";
        ann.LineWidth = 2;
        ann.LinePattern = LinePattern.Dashed;
        for (int k = 0; k < r.Timesteps.Count; k++)
        {
            var snn = plot.Add.Scatter(xs, [100 * r.CleanSnnAccuracy[k], .. r.Rows.Select(row => 100 * row.Snn[k].Accuracy)],
                ReportPlots.Palette[k % ReportPlots.Palette.Length]);
            snn.LegendText = $"SNN T = {r.Timesteps[k]}";
            snn.LineWidth = 2;
        }
        plot.ShowLegend(Alignment.UpperRight);
        return ReportPlots.Save(plot, dir, "attack_accuracy.png");
    }

    /// <summary>A grid, one row per example: the clean image, then per ε the adversarial image and its perturbation.</summary>
    private static string Examples(AdversarialResult r, string dir)
    {
        const string name = "attack_examples.png";
        int count = r.ExampleLabels.Length, size = r.ImageShape.Size;
        (int channels, int h, int w) = r.ImageShape.Rank == 3 ? (r.ImageShape[0], r.ImageShape[1], r.ImageShape[2])
            : (1, 1, size);
        int scale = Math.Max(1, 84 / Math.Max(h, 1)), gap = 4, columns = 1 + (2 * r.Rows.Count);
        int cellW = w * scale, cellH = h * scale;
        using var bitmap = new SKBitmap(Math.Max(1, (columns * (cellW + gap)) + gap),
            Math.Max(1, (Math.Max(count, 1) * (cellH + gap)) + gap));
        bitmap.Erase(SKColors.White);
        float lo = r.Request.Attack.Min, span = r.Request.Attack.Max - r.Request.Attack.Min;
        void Draw(int row, int column, Func<int, float> value)
        {
            for (int y = 0; y < cellH; y++)
            {
                for (int x = 0; x < cellW; x++)
                {
                    int p = ((y / scale) * w) + (x / scale);
                    byte Level(int c) => (byte)Math.Clamp((int)Math.Round(255 * value((c * h * w) + p)), 0, 255);
                    SKColor color = channels == 3 ? new SKColor(Level(0), Level(1), Level(2)) : new SKColor(Level(0), Level(0), Level(0));
                    bitmap.SetPixel(gap + (column * (cellW + gap)) + x, gap + (row * (cellH + gap)) + y, color);
                }
            }
        }
        for (int i = 0; i < count; i++)
        {
            int at = i * size;
            Draw(i, 0, j => (r.ExampleImages[at + j] - lo) / span);
            for (int k = 0; k < r.Rows.Count; k++)
            {
                float[] adv = r.ExampleAdversarial[k];
                float eps = Math.Max(r.Rows[k].Epsilon, 1e-12f);
                Draw(i, 1 + (2 * k), j => (adv[at + j] - lo) / span);
                Draw(i, 2 + (2 * k), j => 0.5f + (0.5f * (adv[at + j] - r.ExampleImages[at + j]) / eps));
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        using FileStream file = File.Create(Path.Combine(dir, name));
        png.SaveTo(file);
        return name;
    }
}
