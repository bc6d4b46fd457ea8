using System.ComponentModel;
using Ann2Snn.Conversion;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn inspect MODEL.onnx</c>: the layer table and the pre-flight verdict; for a model the importer refuses,
/// every blocker, one line per op (or a JSON object of them), and exit code 2.
/// </summary>
public sealed class InspectCommand(IAnsiConsole console) : Command<InspectCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("ONNX model file.")]
        public string Model { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ModelGraph graph;
        try
        {
            graph = OnnxImporter.Load(settings.Model);
        }
        catch (UnsupportedOperatorException e) when (e.Blockers.Count > 0)
        {
            PrintBlockers(settings, e.Blockers);
            throw; // the one-line error on stderr and exit code 2, as for any refused input
        }
        PreflightReport preflight = Preflight.Check(graph);
        if (settings.Json)
        {
            CliJson.Write(console, ToJson(settings.Model, graph, preflight));
            return CliApp.ExitOk;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(Path.GetFileName(settings.Model))}[/]");
        table.AddColumn("node");
        table.AddColumn("op");
        table.AddColumn("output");
        table.AddColumn(new TableColumn("params").RightAligned());
        table.AddColumn(new TableColumn("MACs").RightAligned());
        table.AddColumn("SNN");
        foreach (Node n in graph.Nodes)
        {
            PreflightFinding? f = preflight.For(n);
            string verdict = f is null ? "[green]ok[/]" : f.Severity switch
            {
                PreflightSeverity.Blocker => "[red]blocked[/]",
                PreflightSeverity.Warning => "[yellow]warn[/]",
                _ => "[green]ok[/]*",
            };
            string attributes = n.Describe();
            table.AddRow(
                Markup.Escape(n.Name),
                Markup.Escape(attributes.Length == 0 ? n.Op : $"{n.Op} {attributes}"),
                Markup.Escape(n.OutputShape.ToString()),
                n.Parameters == 0 ? "" : n.Parameters.ToString("N0"),
                n.Macs == 0 ? "" : n.Macs.ToString("N0"),
                verdict);
        }
        table.AddEmptyRow();
        table.AddRow("[bold]total[/]", "", "", $"[bold]{graph.TotalParameters:N0}[/]", $"[bold]{graph.TotalMacs:N0}[/]", "");
        console.Write(table);
        foreach (PreflightFinding note in preflight.Findings.Where(f => f.Severity == PreflightSeverity.Note))
        {
            console.MarkupLine($"  [green]*[/] {Markup.Escape($"{note.Node}: {note.Message}")}");
        }

        if (preflight.Convertible)
        {
            console.MarkupLine("[green bold]convertible to an SNN[/]");
        }
        else
        {
            console.MarkupLine("[red bold]not convertible to an SNN:[/]");
            foreach (PreflightFinding b in preflight.Blockers)
            {
                console.MarkupLine($"  [red]•[/] {Markup.Escape($"node '{b.Node}' ({b.Op}): {b.Message}")}");
            }
        }
        foreach (PreflightFinding w in preflight.Findings.Where(f => f.Severity == PreflightSeverity.Warning))
        {
            console.MarkupLine($"  [yellow]•[/] {Markup.Escape($"node '{w.Node}' ({w.Op}): {w.Message}")}");
        }
        return CliApp.ExitOk;
    }

    /// <summary>The importer's blockers: a header and one line per op and reason, or the JSON object of them.</summary>
    private void PrintBlockers(Settings settings, IReadOnlyList<ModelBlocker> blockers)
    {
        if (settings.Json)
        {
            CliJson.Write(console, new
            {
                model = settings.Model,
                imported = false,
                blockers = blockers.Select(b => new { op = b.Op, version = b.Version, count = b.Count, reason = b.Reason, nodes = b.Nodes })
                    .ToArray(),
            });
            return;
        }
        int total = blockers.Sum(b => b.Count);
        console.MarkupLine($"[red bold]{Markup.Escape(Path.GetFileName(settings.Model))}: not imported, "
            + $"{total} {(total == 1 ? "blocker" : "blockers")}:[/]");
        foreach (ModelBlocker b in blockers) console.MarkupLine($"  [red]•[/] {Markup.Escape(b.ToString())}");
    }

    private static object ToJson(string path, ModelGraph graph, PreflightReport preflight) => new
    {
        model = path,
        parameters = graph.TotalParameters,
        macs = graph.TotalMacs,
        convertible = preflight.Convertible,
        nodes = graph.Nodes.Select(n => new
        {
            name = n.Name,
            op = n.Op,
            inputs = n.Inputs.Select(i => i.Name).ToArray(),
            output_shape = n.OutputShape.ToArray(),
            parameters = n.Parameters,
            macs = n.Macs,
            attributes = n.Describe(),
        }).ToArray(),
        findings = preflight.Findings.Select(f => new
        {
            node = f.Node,
            op = f.Op,
            severity = f.Severity.ToString().ToLowerInvariant(),
            message = f.Message
        }).ToArray(),
    };
}
