using System.Globalization;
using Ann2Snn.Evaluation;
using Ann2Snn.Training;
using Spectre.Console;

namespace Ann2Snn.Cli.Commands;

/// <summary>What <c>finetune</c> prints: a table of the epochs (or one JSON object with --json).</summary>
internal static class FinetuneOutput
{
    public static void Print(IAnsiConsole console, FinetuneCommand.Settings settings, string description, FineTuneResult result)
    {
        static double? Finite(double v) => double.IsFinite(v) ? v : null;
        if (settings.Json)
        {
            CliJson.Write(console, new
            {
                model = settings.Model,
                output = settings.Output,
                timesteps = settings.Timesteps,
                init = settings.Init,
                surrogate = settings.Surrogate,
                slope = settings.Slope,
                optimizer = settings.Optimizer,
                lr = settings.LearningRate,
                batch = settings.BatchSize,
                train_images = result.TrainImages,
                test_images = result.TestImages,
                resumed_after = result.ResumedAfter,
                test_accuracy_before = Finite(result.TestAccuracyBefore),
                test_loss_before = Finite(result.TestLossBefore),
                test_accuracy = result.Epochs.Count == 0 ? null : Finite(result.Epochs[^1].TestAccuracy),
                epochs = result.Epochs.Select(e => new
                {
                    epoch = e.Epoch,
                    train_loss = e.TrainLoss,
                    train_accuracy = e.TrainAccuracy,
                    test_loss = Finite(e.TestLoss),
                    test_accuracy = Finite(e.TestAccuracy),
                    seconds = e.Seconds,
                    loss_curve = e.LossCurve,
                }),
                seconds = result.Seconds,
                peak_memory_bytes = result.PeakMemoryBytes,
            });
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"finetune {description}"));
        foreach (string c in new[] { "epoch", "train loss", "train acc", "test loss", "test acc", "seconds" })
        {
            table.AddColumn(new TableColumn(c).RightAligned());
        }
        string P(double v) => double.IsFinite(v) ? v.ToString("P2", CultureInfo.InvariantCulture) : "";
        string F(double v) => double.IsFinite(v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "";
        if (double.IsFinite(result.TestAccuracyBefore))
        {
            table.AddRow(settings.Init == "random" ? "init" : "converted", "", "", F(result.TestLossBefore), P(result.TestAccuracyBefore),
                "");
        }
        foreach (EpochRecord e in result.Epochs)
        {
            table.AddRow(e.Epoch.ToString(CultureInfo.InvariantCulture), F(e.TrainLoss), P(e.TrainAccuracy), F(e.TestLoss),
                P(e.TestAccuracy), e.Seconds.ToString("F1", CultureInfo.InvariantCulture));
        }
        console.Write(table);
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{result.TrainImages:N0} training images, {result.TestImages:N0} test images; {result.Seconds:F1} s; "
            + $"peak memory {result.PeakMemoryBytes / (1024.0 * 1024):F0} MiB")) + $"; wrote [bold]{Markup.Escape(settings.Output)}[/]");
    }
}
