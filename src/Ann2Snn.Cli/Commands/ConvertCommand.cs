using System.ComponentModel;
using System.Globalization;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Snn;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary><c>ann2snn convert MODEL.onnx --calib mnist -o NET.snn</c>: convert and save in the native format.</summary>
public sealed class ConvertCommand(IAnsiConsole console) : Command<ConvertCommand.Settings>
{
    public sealed class Settings : NetworkSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("ONNX model file.")]
        public string Model { get; init; } = "";

        [CommandOption("-o|--output <FILE>")]
        [Description("Where to write the converted network (.snn).")]
        public string Output { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Output)
                ? Spectre.Console.ValidationResult.Error("option '--output': required (the .snn file to write)")
                : base.Validate();
    }

    /// <summary>
    /// Converts <paramref name="model"/> with the conversion options of <paramref name="settings"/> and stores the input encoding
    /// and preprocessing with the network (convert, export and finetune share it); <paramref name="adjust"/> changes the options
    /// the settings give (finetune turns signed neurons off unless asked).
    /// </summary>
    internal static (SpikingNetwork Network, ConversionResult Result, PreprocessedDataset? Calib, ConversionOptions Options) Convert(
        IAnsiConsole console, ConversionSettings settings, string model, Func<ConversionOptions, ConversionOptions>? adjust = null)
    {
        InputPreprocessing preprocessing = settings.Preprocessing();
        ModelGraph graph = OnnxImporter.Load(model);
        ConversionOptions options = settings.ToConversionOptions();
        if (adjust is not null) options = adjust(options);
        PreprocessedDataset? calib = settings.OpenCalibration(options) is { } data
            ? AnnEvaluator.Prepare(graph, data, preprocessing, "calib")
            : null;
        ConversionResult result = Progress.Run(console, settings.Json, $"calibrating on {calib?.Description ?? "weights"}",
            Math.Min(calib?.Count ?? 0, options.CalibrationImages),
            p => ConversionPipeline.Run(graph, calib, options, p, new AnnExecutorOptions { MaxDegreeOfParallelism = settings.Threads }));
        SpikingNetwork network = result.Network;
        if (settings.InputEncodingOption() is { } encoding) network = InputEncodingMetadata.Write(network, encoding);
        if (settings is NetworkSettings timed)
        {
            var defaults = new Simulation.SimulationOptions();
            network = Simulation.SynapseMetadata.Write(network, timed.SynapseOption() ?? defaults.Synapse,
                timed.TauSynOption() ?? defaults.TauSyn);
        }
        network = PreprocessingMetadata.Write(network, AnnEvaluator.PreprocessingFor(graph, preprocessing));
        return (network, result, calib, options);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        InputPreprocessing preprocessing = settings.Preprocessing();
        var (network, result, calib, options) = Convert(console, settings, settings.Model);
        SnnFile.Save(network, settings.Output);

        if (settings.Json)
        {
            CliJson.Write(console, new
            {
                model = settings.Model,
                output = settings.Output,
                passes = result.PassesApplied,
                optimized_for = options.Window,
                tuning = result.Choices,
                input_adaptation = calib is null ? null : InputNotes.Adaptation(calib),
                preprocessing = InputNotes.Json(preprocessing),
                layers = result.Layers.Select(l => new
                {
                    name = l.Name,
                    kind = l.Kind,
                    shape = l.Shape.ToArray(),
                    scale = float.IsNaN(l.Scale) ? (float?)null : l.Scale,
                    threshold = float.IsNaN(l.Threshold) ? (float?)null : l.Threshold,
                    lambda_source = l.LambdaSource,
                }),
            });
            return CliApp.ExitOk;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(Path.GetFileName(settings.Model))} → {Markup.Escape(settings.Output)}");
        table.AddColumn("layer");
        table.AddColumn("kind");
        table.AddColumn("shape");
        table.AddColumn(new TableColumn("λ").RightAligned());
        table.AddColumn(new TableColumn("V_th").RightAligned());
        foreach (ConvertedLayer l in result.Layers)
        {
            table.AddRow(Markup.Escape(l.Name), l.Kind, Markup.Escape(l.Shape.ToString()),
                float.IsNaN(l.Scale) || l.Kind == "readout" ? "" : l.Scale.ToString("G4", CultureInfo.InvariantCulture),
                float.IsNaN(l.Threshold) ? "" : l.Threshold.ToString("G4", CultureInfo.InvariantCulture));
        }
        console.Write(table);
        foreach (string choice in result.Choices) console.MarkupLine($"[dim]tuned: {Markup.Escape(choice)}[/]");
        if (calib is not null) InputNotes.PrintAdaptation(console, calib);
        if (!preprocessing.IsDefault)
        {
            console.MarkupLine($"[dim]input preprocessing stored with the network: {Markup.Escape(preprocessing.ToString())}[/]");
        }
        console.MarkupLine("passes: "
            + $"{Markup.Escape(result.PassesApplied.Count == 0 ? "none needed" : string.Join(", ", result.PassesApplied.Distinct()))}; "
            + $"normalization {options.Normalization}"
            + $"{(options.Normalization is NormalizationKind.Percentile or NormalizationKind.ChannelWise
                ? $" p{options.Percentile.ToString(CultureInfo.InvariantCulture)}" : "")}"
            + $"; wrote [bold]{Markup.Escape(settings.Output)}[/]");
        return CliApp.ExitOk;
    }
}
