using System.ComponentModel;
using System.Globalization;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Snn;
using Ann2Snn.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn finetune MODEL.onnx|NET.snn --data mnist --timesteps 4 --epochs 1 -o tuned.snn</c>: surrogate-gradient fine-tuning
/// of a converted network through time (M17), or, with <c>--init random</c>, training the same architecture from scratch.
/// </summary>
public sealed class FinetuneCommand(IAnsiConsole console) : Command<FinetuneCommand.Settings>
{
    public sealed class Settings : ConversionSettings, IImageRange
    {
        [CommandOption("--limit <N>")]
        [Description("Train on only the first N training images (default: all).")]
        public int? Limit { get; init; }

        [CommandOption("--batch <N>")]
        [Description("Images per training batch (default 64).")]
        public int BatchSize { get; init; } = 64;

        [CommandArgument(0, "<MODEL>")]
        [Description("An ONNX model (converted first, with unsigned neurons unless --signed says otherwise) or a .snn network.")]
        public string Model { get; init; } = "";

        [CommandOption("-o|--output <FILE>")]
        [Description("Where to write the fine-tuned network (.snn; written only when the run completes).")]
        public string Output { get; init; } = "";

        [CommandOption("-T|--timesteps <T>")]
        [Description("Window T the network is trained for (default 4).")]
        public int Timesteps { get; init; } = 4;

        [CommandOption("--epochs <N>")]
        [Description("Passes over the training images (default 1).")]
        public int Epochs { get; init; } = 1;

        [CommandOption("--lr <RATE>")]
        [Description("Peak learning rate (default 1e-3), annealed to 0 by a cosine schedule unless --schedule constant.")]
        public string LearningRate { get; init; } = "1e-3";

        [CommandOption("--schedule <KIND>")]
        [Description("cosine (default) | constant.")]
        public string Schedule { get; init; } = "cosine";

        [CommandOption("--optimizer <KIND>")]
        [Description("adam (default) | sgd (with --momentum).")]
        public string Optimizer { get; init; } = "adam";

        [CommandOption("--momentum <MU>")]
        [Description("SGD momentum (default 0.9).")]
        public float Momentum { get; init; } = 0.9f;

        [CommandOption("--weight-decay <L>")]
        [Description("L2 weight decay on the weights (default 0).")]
        public float WeightDecay { get; init; }

        [CommandOption("--clip <NORM>")]
        [Description("Clip the gradient's global L2 norm to NORM (default 0: no clipping).")]
        public float Clip { get; init; }

        [CommandOption("--surrogate <KIND>")]
        [Description("Surrogate derivative of the spike: atan (default) | fast-sigmoid | triangle.")]
        public string Surrogate { get; init; } = "atan";

        [CommandOption("--slope <K>")]
        [Description("Slope k of the surrogate (default 2).")]
        public float Slope { get; init; } = 2f;

        [CommandOption("--detach-reset")]
        [Description("No gradient through the reset (the spike in the reset term is a constant).")]
        public bool DetachReset { get; init; }

        [CommandOption("--learn-thresholds")]
        [Description("Learn each population's threshold with the weights.")]
        public bool LearnThresholds { get; init; }

        [CommandOption("--init <KIND>")]
        [Description("converted (default: start from the converted weights) | random (train the same architecture from scratch).")]
        public string Init { get; init; } = "converted";

        [CommandOption("--seed <SEED>")]
        [Description("Seed of the shuffling and of --init random (default 1).")]
        public int Seed { get; init; } = 1;

        [CommandOption("--checkpoint <DIR>")]
        [Description("Write a checkpoint into DIR after every epoch.")]
        public string? Checkpoint { get; init; }

        [CommandOption("--resume")]
        [Description("Continue from the checkpoint in --checkpoint DIR (same network and options).")]
        public bool Resume { get; init; }

        [CommandOption("--test-limit <N>")]
        [Description("Evaluate on only the first N test images (default: all).")]
        public int? TestLimit { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Output)
                ? Spectre.Console.ValidationResult.Error("option '--output': required (the .snn file to write)")
                : IImageRange.Check(this) ?? base.Validate();

        /// <summary>The run's options; a bad value exits 2 naming its option.</summary>
        public FineTuneOptions ToOptions()
        {
            if (!float.TryParse(LearningRate, NumberStyles.Float, CultureInfo.InvariantCulture, out float lr) || !(lr > 0)
                || !float.IsFinite(lr))
            {
                throw new InvalidOptionException($"option '--lr': '{LearningRate}' must be a number > 0");
            }
            if (Timesteps <= 0) throw new InvalidOptionException($"option '--timesteps': T = {Timesteps} must be ≥ 1");
            if (Epochs <= 0) throw new InvalidOptionException($"option '--epochs': {Epochs} must be ≥ 1");
            if (Init is not ("converted" or "random")) Bad<int>("--init", Init, "converted, random");
            var options = new FineTuneOptions
            {
                Epochs = Epochs,
                BatchSize = BatchSize,
                Seed = Seed,
                Training = new TrainingOptions
                {
                    Timesteps = Timesteps,
                    Surrogate = Training.Surrogate.Parse(Surrogate, "--surrogate"),
                    Slope = Slope,
                    DetachReset = DetachReset,
                    LearnThresholds = LearnThresholds,
                    MaxDegreeOfParallelism = Threads,
                },
                Optimizer = new OptimizerOptions
                {
                    Kind = Optimizer switch
                    {
                        "adam" => OptimizerKind.Adam,
                        "sgd" => OptimizerKind.Sgd,
                        _ => Bad<OptimizerKind>("--optimizer", Optimizer, "adam, sgd"),
                    },
                    LearningRate = lr,
                    Cosine = Schedule switch
                    {
                        "cosine" => true,
                        "constant" => false,
                        _ => Bad<bool>("--schedule", Schedule, "cosine, constant"),
                    },
                    Momentum = Momentum,
                    WeightDecay = WeightDecay,
                    ClipNorm = Clip,
                },
            };
            options.Validate();
            return options;
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (request, description) = ConversionSettings.WithDashes(() =>
        {
            FineTuneOptions options = settings.ToOptions();
            if (settings.Resume && settings.Checkpoint is null)
            {
                throw new InvalidOptionException("option '--resume': needs --checkpoint DIR, the folder to resume from");
            }
            string? outputFolder = Path.GetDirectoryName(Path.GetFullPath(settings.Output));
            if (outputFolder is null || !Directory.Exists(outputFolder))
            {
                throw new InvalidOptionException($"option '--output': the folder of '{settings.Output}' does not exist");
            }
            SpikingNetwork network = EvaluationRequest.IsNetworkFile(settings.Model)
                ? SnnFile.Load(settings.Model)
                : ConvertCommand.Convert(console, settings, settings.Model,
                    o => settings.Signed == "auto" ? o with { SignedSpikes = false } : o).Network;
            InputPreprocessing preprocessing = settings.Preprocessing().Over(PreprocessingMetadata.Read(network));
            IDataset Prepared(DatasetSplit split) =>
                PreprocessedDataset.For(settings.OpenData(split), preprocessing, network.InputShape, $"network '{network.Name}'");
            var request = new FineTuneRequest
            {
                Network = network,
                Train = Prepared(DatasetSplit.Train),
                Test = Prepared(DatasetSplit.Test),
                Options = options,
                RandomInit = settings.Init == "random",
                Limit = settings.Limit,
                TestLimit = settings.TestLimit,
                Checkpoint = settings.Checkpoint,
                Resume = settings.Resume,
            };
            request.Validate();
            return (request, $"{Path.GetFileName(settings.Model)} at T = {options.Training.Timesteps}");
        });
        FineTuneResult result = Run(request, settings.Json, cancellationToken);
        AtomicFile.Write(settings.Output, s => SnnFile.Save(result.Network, s));
        FinetuneOutput.Print(console, settings, description, result);
        return CliApp.ExitOk;
    }

    /// <summary>The run with a progress bar (loss, running accuracy, images/s, ETA), or plain lines when output is redirected.</summary>
    private FineTuneResult Run(FineTuneRequest request, bool quiet, CancellationToken cancellationToken)
    {
        if (quiet) return FineTuning.Run(request, null, cancellationToken);
        if (!console.Profile.Capabilities.Interactive)
        {
            int last = -1;
            return FineTuning.Run(request, new SynchronousProgress(p =>
            {
                int tenth = p.Batch * 10 / p.Batches;
                if (tenth == last && p.Batch != p.Batches) return;
                last = p.Batch == p.Batches ? -1 : tenth;
                console.MarkupLine(Markup.Escape(Describe(p)));
            }), cancellationToken);
        }
        FineTuneResult result = null!;
        console.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(),
                new SpinnerColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                int first = 0;
                result = FineTuning.Run(request, new SynchronousProgress(p =>
                {
                    if (task is null)
                    {
                        first = p.Epoch;
                        task = ctx.AddTask("training", maxValue: (double)p.EpochImages * (p.Epochs - p.Epoch + 1));
                    }
                    task.Description = Markup.Escape(Describe(p));
                    task.Value = ((double)(p.Epoch - first) * p.EpochImages) + p.Images;
                }), cancellationToken);
            });
        return result;
    }

    private static string Describe(FineTuneProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches}: loss {p.Loss:F4}, accuracy {p.Accuracy:P2}, "
        + $"{p.ImagesPerSecond:F0} images/s");

    private sealed class SynchronousProgress(Action<FineTuneProgress> report) : IProgress<FineTuneProgress>
    {
        public void Report(FineTuneProgress value) => report(value);
    }
}
