using Ann2Snn.Cli.Scale;
using Ann2Snn.Evaluation;
using Ann2Snn.Reports;
using Spectre.Console;

namespace Ann2Snn.Cli.Commands;

/// <summary>Shared by eval and demo: the request from the options, the library's evaluation, the report, the output.</summary>
internal static class EvalRunner
{
    /// <param name="shard">Evaluate only this shard of the images; --json then adds what merge needs (<see cref="ShardFile"/>).</param>
    public static int Run(IAnsiConsole console, string model, EvalSettings settings, CancellationToken cancellationToken,
        Shard? shard = null)
    {
        EvaluationRequest request = settings.ToRequest(model) with { Shard = shard };
        EvaluationResult result = Progress.RunStages(console, settings.Json, p => Evaluator.Run(request, p, cancellationToken));
        string? reportPath = settings.ReportDir is { } dir ? WriteReport(console, settings.Json, result, dir, cancellationToken) : null;
        if (settings.Json && shard is { } s) CliJson.Write(console, ShardJson(EvalIdentity.ModelHash(model), settings, s, result));
        else if (settings.Json) CliJson.Write(console, EvalOutput.Json(result, reportPath));
        else
        {
            if (result.Simulation.Input == Snn.InputEncoding.Ttfs && (settings.TimestepsOption is not null || settings.At is not null
                || settings.Duration is not null))
            {
                console.MarkupLine($"[yellow]note: time-to-first-spike sets its own length, (depth + 1)·W = {result.Simulation.Timesteps} "
                    + $"steps (--ttfs-window {result.Simulation.TtfsWindow}): -T/--duration/--at are ignored[/]");
            }
            EvalOutput.Print(console, result, reportPath);
        }
        return CliApp.ExitOk;
    }

    /// <summary>eval's JSON of one shard of the model whose file hashes to <paramref name="modelHash"/>, with what merge needs.</summary>
    public static System.Text.Json.Nodes.JsonObject ShardJson(string modelHash, EvalSettings settings, Shard shard, EvaluationResult result,
        System.Text.Json.Nodes.JsonObject? configuration = null)
    {
        SortedDictionary<string, string?> options = EvalIdentity.Options(settings);
        return ShardFile.Write(EvalOutput.Json(result, null), shard, EvalIdentity.Of(modelHash, options), modelHash, options,
            result.Totals, configuration);
    }

    /// <summary>Hands the evaluation to the report builder and writer; returns the report's index file.</summary>
    private static string WriteReport(IAnsiConsole console, bool quiet, EvaluationResult result, string dir, CancellationToken ct)
    {
        ReportInputs inputs = ReportInputs.From(result);
        ReportData report = Progress.Run(console, quiet, "report (agreement, bias/variance, plots)", 0,
            _ => ReportBuilder.Build(inputs, ct));
        return ReportWriter.Write(report, dir);
    }
}
