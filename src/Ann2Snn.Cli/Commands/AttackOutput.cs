using System.Globalization;
using Ann2Snn.Adversarial;
using Ann2Snn.Evaluation;
using Spectre.Console;

namespace Ann2Snn.Cli.Commands;

/// <summary>An <see cref="AdversarialResult"/> as attack's tables.</summary>
internal static class AttackOutput
{
    public static void Print(IAnsiConsole console, AdversarialResult r, string? reportPath, IReadOnlyList<string> saved)
    {
        AttackOptions a = r.Request.Attack;
        console.MarkupLine(CultureInfo.InvariantCulture, "[bold]{0}[/] attacked with {1} ({2} step(s){3}) on {4}, {5:N0} images; SNN: {6} "
            + "backend, {7} input", Markup.Escape(r.Model), a.Method.Name(), a.EffectiveSteps, a.RandomStart ? ", random start" : "",
            Markup.Escape(r.Data), r.Images, r.Simulator, r.Input.ToString().ToLowerInvariant());
        static string P(double? x) => x is { } v ? (100 * v).ToString("F2", CultureInfo.InvariantCulture) : "—";
        var accuracy = new Table().Title("accuracy (%)").AddColumn("ε").AddColumn("ANN");
        foreach (int t in r.Timesteps) accuracy.AddColumn($"SNN T={t}");
        accuracy.AddRow(["0 (clean)", P(r.CleanAnnAccuracy), .. r.CleanSnnAccuracy.Select(x => P(x))]);
        foreach (AdversarialRow row in r.Rows)
        {
            accuracy.AddRow([row.Epsilon.ToString("g4", CultureInfo.InvariantCulture), P(row.AnnAccuracy),
                .. row.Snn.Select(s => P(s.Accuracy))]);
        }
        console.Write(accuracy);
        var transfer = new Table().Title("transfer to the SNN (%)").AddColumn("ε").AddColumn("T").AddColumn("transfer rate")
            .AddColumn("absorbed").AddColumn("spike change per layer");
        if (r.SignFlipLayer is not null) transfer.AddColumn($"silenced in {Markup.Escape(r.SignFlipLayer)}");
        foreach (AdversarialRow row in r.Rows)
        {
            foreach (AdversarialTransfer s in row.Snn)
            {
                string change = string.Join(" ", s.LayerSpikeChange.Select(c =>
                    double.IsFinite(c) ? c.ToString("+0%;-0%;0%", CultureInfo.InvariantCulture) : "new"));
                List<string> cells = [row.Epsilon.ToString("g4", CultureInfo.InvariantCulture),
                    s.Timesteps.ToString(CultureInfo.InvariantCulture),
                    P(s.TransferRate), P(s.Absorbed), Markup.Escape(change)];
                if (r.SignFlipLayer is not null) cells.Add($"{P(row.SilencedFraction)} of {row.ActivePerImage:F1}");
                transfer.AddRow([.. cells]);
            }
        }
        console.Write(transfer);
        console.MarkupLine(CultureInfo.InvariantCulture, "[dim]transfer rate: of the images the attack fools the ANN on, the share the SNN "
            + "gets wrong too; absorbed: of the images whose ANN answer changes, the share whose SNN answer does not; attacks took "
            + "{0:F1} s[/]", r.AttackSeconds);
        if (reportPath is not null) console.MarkupLine($"report: {Markup.Escape(reportPath)}");
        foreach (string folder in saved) console.MarkupLine($"adversarial images: {Markup.Escape(folder)}");
    }
}
