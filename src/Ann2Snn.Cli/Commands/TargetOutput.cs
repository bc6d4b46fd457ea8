using System.Globalization;
using Ann2Snn.Nir;
using Spectre.Console;

namespace Ann2Snn.Cli.Commands;

/// <summary>The per-layer verdict table of a constraint check, and its JSON.</summary>
internal static class TargetOutput
{
    public static object Json(ConstraintReport report) => new
    {
        target = report.Target.Name,
        description = report.Target.Description,
        passes = report.Passes,
        layers = report.Layers.Select(l => new
        {
            name = l.Name,
            kind = l.Kind,
            neurons = l.Neurons,
            fan_in = l.FanIn,
            fan_out = l.FanOut,
            weight_bits = l.WeightBits,
            cores = l.Cores,
            nir_nodes = l.NirNodes,
            verdict = l.Verdict,
            problems = l.Problems,
            not_checked = l.Unchecked,
        }),
        network_problems = report.NetworkProblems,
        notes = report.Notes,
    };

    public static void Print(IAnsiConsole console, ConstraintReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(report.Target.Name)}: {Markup.Escape(report.Target.Description)}");
        foreach (string column in new[] { "layer", "kind", "neurons", "fan-in", "fan-out", "w bits", "cores", "NIR nodes", "verdict" })
        {
            table.AddColumn(column is "neurons" or "fan-in" or "fan-out" or "w bits" or "cores" ? new TableColumn(column).RightAligned()
                : new TableColumn(column));
        }
        foreach (LayerVerdict l in report.Layers)
        {
            string verdict = l.Verdict switch { "fail" => "[red]fail[/]", "ok*" => "[yellow]ok*[/]", _ => "[green]ok[/]" };
            table.AddRow(Markup.Escape(l.Name), l.Kind, l.Neurons.ToString("N0", CultureInfo.InvariantCulture),
                l.FanIn.ToString("N0", CultureInfo.InvariantCulture), l.FanOut.ToString("N1", CultureInfo.InvariantCulture),
                l.WeightBits?.ToString(CultureInfo.InvariantCulture) ?? "float", l.Cores?.ToString("N0", CultureInfo.InvariantCulture)
                    ?? "?",
                Markup.Escape(string.Join(" ", l.NirNodes)), verdict);
        }
        console.Write(table);
        foreach (string problem in report.AllProblems) console.MarkupLine($"[red]fail:[/] {Markup.Escape(problem)}");
        foreach (string note in report.Notes) console.MarkupLine($"[dim]{Markup.Escape(note)}[/]");
        console.MarkupLine(report.Passes ? $"[green]meets the {Markup.Escape(report.Target.Name)} limits that are published[/]"
            + (report.Layers.Any(l => l.Unchecked.Count > 0) ? " (ok*: some limits are not published and were not checked)" : "")
            : $"[red]does not meet the {Markup.Escape(report.Target.Name)} limits[/]");
    }
}
