using System.Globalization;
using Ann2Snn.Evaluation;
using Spectre.Console;

namespace Ann2Snn.Cli.Commands;

/// <summary>The latency command's tables: accuracy per method and window, and the events each method needs at matched accuracy.</summary>
internal static class LatencyOutput
{
    public static void Print(IAnsiConsole console, LatencySweepResult r, string? reportPath)
    {
        console.MarkupLine($"ANN: [bold]{100 * r.AnnAccuracy:F2} %[/] on {Markup.Escape(r.Data)}, {r.Images:N0} images; matched accuracy "
            + $"{100 * r.Target:F2} % (ANN − {r.Tolerance.ToString("G3", CultureInfo.InvariantCulture)} pp)");
        console.MarkupLine("SNN accuracy per method and window T:");
        console.Write(AccuracyTable(r));
        console.MarkupLine($"events per image at matched accuracy (≥ {100 * r.Target:F2} %), the smallest T reaching it:");
        console.Write(MatchedTable(r));
        console.MarkupLine($"Pareto front (events ↑, accuracy ↑): {Markup.Escape(string.Join(", ", r.Front.Select(p => p.Label)))}");
        if (reportPath is not null) console.MarkupLine($"report: [link]{Markup.Escape(reportPath)}[/]");
    }

    private static Table AccuracyTable(LatencySweepResult r)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("method");
        foreach (int t in r.Windows) table.AddColumn(new TableColumn($"T = {t}").RightAligned());
        foreach (string m in r.Methods)
        {
            table.AddRow([Markup.Escape(m), .. r.Windows.Select(t => r.At(m, t) is { } p ? Cell(p, r) : "—")]);
        }
        return table;
    }

    /// <summary>An accuracy, green when matched, yellow within 1 pp more, red below.</summary>
    private static string Cell(LatencyPoint p, LatencySweepResult r)
    {
        string color = p.Accuracy >= r.Target ? "green" : p.Accuracy >= r.Target - 0.01 ? "yellow" : "red";
        return $"[{color}]{100 * p.Accuracy:F2} %[/]";
    }

    private static Table MatchedTable(LatencySweepResult r)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("method");
        table.AddColumn(new TableColumn("T needed").RightAligned());
        table.AddColumn(new TableColumn("accuracy").RightAligned());
        table.AddColumn(new TableColumn("synaptic events").RightAligned());
        table.AddColumn(new TableColumn($"÷ {Markup.Escape(r.Reference)}").RightAligned());
        foreach (MatchedAccuracy m in r.Matched)
        {
            if (m.Timesteps is not { } t)
            {
                table.AddRow(Markup.Escape(m.Method), $"[red]> {r.Windows.Max()}[/]", "—", "—", "—");
                continue;
            }
            table.AddRow(Markup.Escape(m.Method), t.ToString(CultureInfo.InvariantCulture), $"{100 * m.Accuracy:F2} %",
                $"{m.SynapticEventsPerImage:N0}", m.RelativeEvents is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "—");
        }
        return table;
    }
}
