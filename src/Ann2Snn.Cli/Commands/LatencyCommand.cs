using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Onnx;
using Ann2Snn.Reports;
using Ann2Snn.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn latency MODEL.onnx --data mnist --at 2,4,8,16,32 --methods plain,fit,light,default</c>: accuracy against the window
/// per low-latency method, the synaptic events each needs at matched accuracy, and the Pareto front (<see cref="LatencySweep"/>).
/// </summary>
public sealed class LatencyCommand(IAnsiConsole console) : Command<LatencyCommand.Settings>
{
    public sealed class Settings : RunSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("An ONNX model, converted for every window by every method.")]
        public string Model { get; init; } = "";

        [CommandOption("--at <LIST>")]
        [Description("Comma-separated windows T, each converted for and simulated on its own (default 2,4,8,16,32).")]
        public string At { get; init; } = "2,4,8,16,32";

        [CommandOption("--methods <LIST>")]
        [Description("Comma-separated methods (default plain,fit,light,default): plain (no tuning) | fit (λ fitted per channel to T "
            + "slots) | light (fit + bias calibration) | advanced (fit + λ and bias calibration) | signed (light + signed neurons) | "
            + "burst2 (plain, bursts of 2) | burst2fit (light, bursts of 2) | default (what eval -T T does).")]
        public string Methods { get; init; } = "plain,fit,light,default";

        [CommandOption("--match <PP>")]
        [Description("Matched accuracy is the ANN's less this many percentage points (default 0.5).")]
        public double Match { get; init; } = 0.5;

        [CommandOption("--seed <SEED>")]
        [Description("Seed of the Poisson input (default 1).")]
        public int Seed { get; init; } = 1;

        [CommandOption("--backend <NAME>")]
        [Description("Simulator: dense | layered | event | auto (default).")]
        public string Backend { get; init; } = "auto";

        [CommandOption("--report <DIR>")]
        [Description("Write a report (index.html with accuracy against T and the Pareto plot, latency.json, latency.csv) into DIR.")]
        public string? Report { get; init; }

        /// <summary>The windows of --at: whole numbers ≥ 1, at least one; anything else exits 2 naming the option.</summary>
        public int[] Windows()
        {
            string[] parts = At.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 0) Bad<int>("--at", At, "a comma-separated list of windows T ≥ 1");
            const int max = SimulationOptions.MaxTimesteps;
            return [.. parts.Select(part =>
                int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int t) && t is >= 1 and <= max
                    ? t
                    : Bad<int>("--at", part, $"whole numbers of steps in 1..{max:N0}")).Distinct()];
        }

        /// <summary>
        /// The sweep these options ask for. The methods set the window, normalization, calibration, signed neurons and bursts, so
        /// --optimize-for, --calibrate, --signed and --burst are refused; --norm and the rest shape the plain conversion they build on.
        /// </summary>
        public LatencySweepRequest ToRequest()
        {
            if (OptimizeFor is not null) Refuse("--optimize-for");
            if (Calibrate is not null) Refuse("--calibrate");
            if (Signed != "auto") Refuse("--signed");
            if (Burst != "1") Refuse("--burst");
            if (!Simulators.Names.Contains(Backend)) Bad<int>("--backend", Backend, string.Join(", ", Simulators.Names));
            int[] windows = Windows();
            string[] methods = Methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Conversion.ConversionOptions basis = ToConversionOptions();
            var evaluation = new EvaluationRequest
            {
                ModelPath = Model,
                GraphLoader = path => OnnxImporter.Load(path),
                Data = OpenData(DatasetSplit.Test),
                Calibration = Open(Calib ?? Data, DatasetSplit.Train),
                Preprocessing = Preprocessing(),
                Conversion = basis,
                Simulation = new SimulationOptions
                {
                    Input = InputEncodingOption() ?? Snn.InputEncoding.Analog,
                    Seed = Seed,
                    MaxDegreeOfParallelism = Threads,
                },
                Input = InputEncodingOption(),
                Synapse = SynapseOption(),
                TauSyn = TauSynOption(),
                Backend = Simulators.Parse(Backend, "--backend"),
                BatchSize = BatchSize,
                Limit = Limit,
                Executor = new AnnExecutorOptions { MaxDegreeOfParallelism = Threads },
            };
            var request = new LatencySweepRequest
            {
                Evaluation = evaluation,
                Windows = windows,
                Methods = LatencyMethods.Select(methods, basis),
                Tolerance = Match,
            };
            request.Validate();
            return request;
        }

        private static void Refuse(string option) =>
            throw new InvalidOptionException($"option '{option}': latency sets it per method; choose the methods with --methods");

        public override ValidationResult Validate()
        {
            if (!(Match >= 0 && double.IsFinite(Match)))
            {
                return ValidationResult.Error($"option '--match': {Match} must be a number of percentage points ≥ 0");
            }
            return base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        LatencySweepRequest request = ConversionSettings.WithDashes(settings.ToRequest);
        if (!settings.Json)
        {
            string data = Markup.Escape(request.Evaluation.Data.Description);
            console.MarkupLine($"latency sweep of [bold]{Markup.Escape(settings.Model)}[/]: {request.Methods.Count} methods × "
                + $"{request.Windows.Count} windows (T = {string.Join(", ", request.Windows)}) on {data}, "
                + $"{settings.Count(request.Evaluation.Data):N0} images");
        }
        var progress = new LineProgress(settings.Json ? null : console);
        LatencySweepResult result = LatencySweep.Run(request, progress, cancellationToken);
        string? reportPath = settings.Report is { } dir ? LatencyReportWriter.Write(result, dir) : null;
        if (settings.Json)
        {
            JsonObject json = JsonSerializer.SerializeToNode(LatencyReportWriter.Json(result), ReportWriter.JsonOptions)!.AsObject();
            json["report"] = reportPath;
            CliJson.Write(console, json);
        }
        else
        {
            LatencyOutput.Print(console, result, reportPath);
        }
        return CliApp.ExitOk;
    }

    /// <summary>One line per point as it ends (none with --json: stdout is the JSON alone).</summary>
    private sealed class LineProgress(IAnsiConsole? console) : IProgress<LatencySweepProgress>
    {
        public void Report(LatencySweepProgress value)
        {
            if (console is null || value.Point is not { } p) return;
            int width = value.Total.ToString(CultureInfo.InvariantCulture).Length;
            string done = value.Done.ToString(CultureInfo.InvariantCulture).PadLeft(width);
            console.MarkupLine(CultureInfo.InvariantCulture, "[dim][[{0}/{1}]][/] {2,-14} {3,7:F2} %  {4,12:N0} events/image  "
                + "conversion {5:F1} s", done, value.Total, Markup.Escape(p.Label), 100 * p.Accuracy, p.SynapticEventsPerImage,
                p.ConversionSeconds);
        }
    }
}
