using System.ComponentModel;
using System.Text.Json.Nodes;
using Ann2Snn.Cli.Scale;
using Ann2Snn.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn merge DIR|FILES -o merged.json [--report DIR]</c>: adds up the shards of an evaluation (<c>eval --shard i/n --json</c>)
/// into the JSON its unsharded run prints, bit for bit, or those of every configuration of a sweep; the report shows a sweep's
/// accuracy against T, its Pareto front and its ranking at each T.
/// </summary>
public sealed class MergeCommand(IAnsiConsole console) : Command<MergeCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<INPUTS>")]
        [Description("Shard files, or folders of them (a sweep's --out folder).")]
        public string[] Inputs { get; init; } = [];

        [CommandOption("-o|--output <FILE>")]
        [Description("Where to write the merged JSON.")]
        public string Output { get; init; } = "";

        [CommandOption("--report <DIR>")]
        [Description("Write the sweep report (index.html, sweep.csv, sweep.json) into DIR.")]
        public string? Report { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Output)
                ? ValidationResult.Error("option '--output': required (the merged JSON to write)")
                : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> files = ShardMerge.Files(settings.Inputs, settings.Output);
        string output = Path.GetFullPath(settings.Output);
        if (files.Any(f => Path.GetFullPath(f) == output) || (File.Exists(output) && IsShard(output)))
        {
            throw new InvalidOptionException($"option '--output': '{settings.Output}' holds a shard's result; it is not overwritten");
        }
        ShardFile[] shards = [.. files.Select(ShardFile.Read)];
        IReadOnlyList<ShardMerge.Run> runs = ShardMerge.Merge(shards);
        JsonNode merged = ShardMerge.Json(runs);
        ShardFile.WriteAtomically(settings.Output, merged.ToJsonString(CliJson.Options) + Environment.NewLine, overwrite: true);
        string? report = settings.Report is { } dir ? SweepReportWriter.Write(SweepReport.Of(runs), dir) : null;
        if (settings.Json)
        {
            CliJson.Write(console, new { files = files.Count, runs = runs.Count, output = settings.Output, report });
            return CliApp.ExitOk;
        }
        console.MarkupLine($"merged {files.Count} shard files into {runs.Count} run{(runs.Count == 1 ? "" : "s")}: "
            + $"[bold]{Markup.Escape(settings.Output)}[/]");
        if (report is not null) console.MarkupLine($"report: [link]{Markup.Escape(report)}[/]");
        return CliApp.ExitOk;
    }

    /// <summary>Whether <paramref name="path"/> reads as a shard's result (which merge never writes over).</summary>
    private static bool IsShard(string path)
    {
        try
        {
            ShardFile.Read(path);
            return true;
        }
        catch (InvalidDatasetException)
        {
            return false;
        }
    }
}
