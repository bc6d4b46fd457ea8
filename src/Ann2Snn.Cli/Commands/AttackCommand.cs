using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ann2Snn.Adversarial;
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
/// <c>ann2snn attack MODEL.onnx|NET.snn --data mnist --method fgsm --eps 0.02,0.05,0.1 --timesteps 8,32,128</c>: adversarial
/// images crafted on the ANN, and how the ANN and its spiking twin hold up on them (<see cref="AdversarialStudy"/>).
/// </summary>
public sealed class AttackCommand(IAnsiConsole console) : Command<AttackCommand.Settings>
{
    public sealed class Settings : RunSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("An ONNX model (converted in this run), or a .snn network with --ann, the ONNX model it came from.")]
        public string Model { get; init; } = "";

        [CommandOption("--method <METHOD>")]
        [Description("fgsm | pgd (L∞) | pgd-l2 | sign-flip (silence a hidden layer's active neurons; L∞). Default fgsm.")]
        public string Method { get; init; } = "fgsm";

        [CommandOption("--eps <LIST>")]
        [Description("Comma-separated budgets ε in the images' units (pixels in [[0, 1]]); default 0.02,0.05,0.1.")]
        public string Eps { get; init; } = "0.02,0.05,0.1";

        [CommandOption("--steps <N>")]
        [Description("Gradient steps of pgd, pgd-l2 and sign-flip (default 20).")]
        public int Steps { get; init; } = 20;

        [CommandOption("--step-size <A>")]
        [Description("Step size α of the iterative methods (default 2.5·ε/steps).")]
        public float? StepSize { get; init; }

        [CommandOption("--random-start")]
        [Description("Start the iterative methods from a random point of the ε-ball (seeded by --seed and the image's index).")]
        public bool RandomStart { get; init; }

        [CommandOption("--loss <LOSS>")]
        [Description("ce (cross-entropy, default) | margin (largest other logit − true logit).")]
        public string Loss { get; init; } = "ce";

        [CommandOption("--layer <NODE>")]
        [Description("sign-flip: the ReLU node whose neurons to silence (default: the last ReLU before the logits).")]
        public string? Layer { get; init; }

        [CommandOption("--range <LO,HI>")]
        [Description("The images' valid range; every adversarial image is clamped into it (default 0,1).")]
        public string Range { get; init; } = "0,1";

        [CommandOption("-T|--timesteps <LIST>")]
        [Description("Comma-separated windows T the SNN is simulated for, each on its own (default 8,32,128).")]
        public string Timesteps { get; init; } = "8,32,128";

        [CommandOption("--seed <SEED>")]
        [Description("Seed of the random start and of Poisson input (default 1).")]
        public int Seed { get; init; } = 1;

        [CommandOption("--backend <NAME>")]
        [Description("Simulator: dense | layered | event | auto (default).")]
        public string Backend { get; init; } = "auto";

        [CommandOption("--ann <MODEL>")]
        [Description("With a .snn network: the ONNX model it came from (attacks are crafted on the ANN).")]
        public string? Ann { get; init; }

        [CommandOption("--save-adversarial <DIR>")]
        [Description("Write the adversarial images (images.npy, labels.npy; a folder eps-ε each with several ε) into DIR.")]
        public string? SaveAdversarial { get; init; }

        [CommandOption("--report <DIR>")]
        [Description("Write a report (index.html with accuracy against ε and example images, attack.json) into DIR.")]
        public string? Report { get; init; }

        /// <summary>The request these options ask for; a bad value exits 2 naming its option.</summary>
        public AdversarialRequest ToRequest()
        {
            if (!Simulators.RateCoded.Contains(Backend) && Backend != "auto")
            {
                Bad<int>("--backend", Backend, string.Join(", ", [.. Simulators.RateCoded, "auto"]));
            }
            float[] epsilons = List<float>("--eps", Eps, "numbers ε ≥ 0", s => Number(s) is { } e && e >= 0 ? e : null);
            int[] windows = List<int>("--timesteps", Timesteps, $"whole numbers of steps in 1..{SimulationOptions.MaxTimesteps:N0}",
                s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int t)
                    && t is >= 1 and <= SimulationOptions.MaxTimesteps ? t : (int?)null);
            float[] range = List<float>("--range", Range, "two numbers lo,hi with lo < hi",
                Number);
            if (range.Length != 2 || !(range[0] < range[1])) Bad<int>("--range", Range, "two numbers lo,hi with lo < hi");
            if (Steps < 1) Bad<int>("--steps", Steps.ToString(CultureInfo.InvariantCulture), "a whole number ≥ 1");
            if (StepSize is { } a && !(a > 0 && float.IsFinite(a)))
            {
                Bad<int>("--step-size", a.ToString(CultureInfo.InvariantCulture), "a number > 0");
            }
            var attack = new AttackOptions
            {
                Method = AttackMethods.Parse(Method, "--method"),
                Steps = Steps,
                StepSize = StepSize,
                RandomStart = RandomStart,
                Seed = Seed,
                Loss = Loss switch
                {
                    "ce" or "cross-entropy" => LogitLoss.CrossEntropy,
                    "margin" => LogitLoss.Margin,
                    _ => Bad<LogitLoss>("--loss", Loss, "ce, margin"),
                },
                Min = range[0],
                Max = range[1],
                Layer = Layer,
            };
            var evaluation = new EvaluationRequest
            {
                ModelPath = Model,
                AnnPath = Ann,
                GraphLoader = path => OnnxImporter.Load(path),
                Data = OpenData(DatasetSplit.Test),
                Preprocessing = Preprocessing(),
                Conversion = ToConversionOptions(),
                Simulation = new SimulationOptions
                {
                    Timesteps = windows.Max(),
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
            evaluation = evaluation with { Calibration = evaluation.Converts ? OpenCalibration(evaluation.Conversion) : null };
            return new AdversarialRequest
            {
                Evaluation = evaluation,
                Attack = attack,
                Epsilons = epsilons,
                Timesteps = windows,
                KeepAdversarial = SaveAdversarial is not null,
            };
        }

        /// <summary>A finite number, or null.</summary>
        private static float? Number(string s) =>
            float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v) ? v : null;

        private static T[] List<T>(string option, string text, string expected, Func<string, T?> parse) where T : struct
        {
            string[] parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 0) Bad<int>(option, text, expected);
            return [.. parts.Select(p => parse(p) ?? Bad<T>(option, p, expected)).Distinct()];
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        AdversarialResult result = ConversionSettings.WithDashes(() =>
        {
            AdversarialRequest request = settings.ToRequest();
            request.Validate();
            return Progress.RunStages(console, settings.Json, p => AdversarialStudy.Run(request, p, cancellationToken));
        });
        string? reportPath = settings.Report is { } dir ? AttackReportWriter.Write(result, dir) : null;
        IReadOnlyList<string> saved = settings.SaveAdversarial is { } save ? AttackReportWriter.SaveAdversarial(result, save) : [];
        if (settings.Json)
        {
            JsonObject json = JsonSerializer.SerializeToNode(AttackReportWriter.Json(result), ReportWriter.JsonOptions)!.AsObject();
            json["report"] = reportPath;
            json["saved"] = new JsonArray([.. saved.Select(s => (JsonNode?)JsonValue.Create(s))]);
            CliJson.Write(console, json);
            return CliApp.ExitOk;
        }
        AttackOutput.Print(console, result, reportPath, saved);
        return CliApp.ExitOk;
    }
}
