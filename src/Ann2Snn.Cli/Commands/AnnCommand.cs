using System.ComponentModel;
using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Passes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary><c>ann2snn ann MODEL.onnx --data mnist</c>: ANN accuracy and throughput with our executor.</summary>
public sealed class AnnCommand(IAnsiConsole console) : Command<AnnCommand.Settings>
{
    public sealed class Settings : DataSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("ONNX model file.")]
        public string Model { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        InputPreprocessing preprocessing = settings.Preprocessing();
        ModelGraph graph = OnnxImporter.Load(settings.Model);
        PreprocessedDataset data = AnnEvaluator.Prepare(graph, settings.OpenData(DatasetSplit.Test), preprocessing);
        var executor = new AnnExecutor(PassPipeline.Inference.Run(graph),
            new AnnExecutorOptions { MaxDegreeOfParallelism = settings.Threads });
        AnnEvaluation result = Progress.Run(console, settings.Json, $"ANN on {data.Description}", settings.Count(data),
            progress => AnnEvaluator.Evaluate(executor, data, settings.BatchSize, settings.Limit, progress, cancellationToken));

        if (settings.Json)
        {
            CliJson.Write(console, new
            {
                model = settings.Model,
                data = data.Description,
                images = result.Total,
                correct = result.Correct,
                ann_accuracy = result.Accuracy,
                images_per_second = result.ImagesPerSecond,
                input_adaptation = InputNotes.Adaptation(data),
                warnings = InputNotes.Warnings(result.Accuracy),
            });
            return CliApp.ExitOk;
        }
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("model");
        table.AddColumn("data");
        table.AddColumn(new TableColumn("images").RightAligned());
        table.AddColumn(new TableColumn("accuracy").RightAligned());
        table.AddColumn(new TableColumn("images/s").RightAligned());
        table.AddRow(
            Markup.Escape(Path.GetFileName(settings.Model)),
            Markup.Escape(data.Description),
            result.Total.ToString("N0"),
            $"[bold]{100 * result.Accuracy:F2} %[/] ({result.Correct:N0}/{result.Total:N0})",
            result.ImagesPerSecond.ToString("N0"));
        console.Write(table);
        InputNotes.PrintAdaptation(console, data);
        InputNotes.PrintWarnings(console, result.Accuracy);
        return CliApp.ExitOk;
    }
}
