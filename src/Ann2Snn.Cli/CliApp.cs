using Ann2Snn.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli;

/// <summary>
/// The <c>ann2snn</c> command. Exit codes: 0 success; 2 bad input (a file, node or option named on one line)
/// or a usage error; 1 an unexpected failure (detail under <c>--verbose</c>).
/// </summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitUnexpected = 1;
    public const int ExitBadInput = 2;

    /// <summary>
    /// The version <c>ann2snn --version</c> prints: the package version and, after a '+', the commit it was built from (Source
    /// Link's informational version).
    /// </summary>
    public static string Version { get; } = typeof(CliApp).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    public static int Run(string[] args, IAnsiConsole? console = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        error ??= Console.Error;
        bool verbose = args.Contains("--verbose");
        if (console is null && Console.IsOutputRedirected && !int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out _))
        {
            AnsiConsole.Profile.Width = 120; // tables stay readable in logs and pipes
        }
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("ann2snn");
            config.SetApplicationVersion(Version);
            config.PropagateExceptions();
            config.UseStrictParsing(); // an unknown or misspelt option is a usage error, not silently ignored
            if (console is not null) config.ConfigureConsole(console);
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("The main job on the bundled default: convert the bundled MNIST network, evaluate ANN and SNN on the "
                    + "10,000 bundled test images.");
            config.AddCommand<InspectCommand>("inspect")
                .WithDescription("Show an ONNX model's layers, shapes, parameters and MACs, and whether it converts to an SNN.")
                .WithExample("inspect", "models/mnist_lenet_bn.onnx");
            config.AddCommand<AnnCommand>("ann")
                .WithDescription("ANN accuracy and throughput of an ONNX model on a data set, with our executor.")
                .WithExample("ann", "models/mnist_lenet_bn.onnx", "--data", "mnist");
            config.AddCommand<ConvertCommand>("convert")
                .WithDescription("Convert an ONNX model to a spiking network and save it (.snn).")
                .WithExample("convert", "models/mnist_lenet_bn.onnx", "--calib", "mnist", "-o", "lenet.snn");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Export a converted network (.snn, or an ONNX model converted on the way) as NIR (HDF5) for other "
                    + "simulators and chips' toolchains; with --target, check it against a chip's published limits first.")
                .WithExample("export", "lenet.snn", "--format", "nir", "-o", "lenet.nir");
            config.AddCommand<ImportCommand>("import")
                .WithDescription("Import a NIR graph (HDF5) as a network our backends simulate (.snn).")
                .WithExample("import", "net.nir", "-o", "net.snn");
            config.AddCommand<CheckCommand>("check")
                .WithDescription("Check a network against a chip's published limits: a verdict per layer (exit 2 when it does not fit).")
                .WithExample("check", "lenet.snn", "--target", "loihi2");
            config.AddCommand<EvalCommand>("eval")
                .WithDescription("Convert (if ONNX) and simulate: SNN accuracy against T next to the ANN's, spikes and synaptic events "
                    + "per layer.")
                .WithExample("eval", "models/mnist_lenet_bn.onnx", "--data", "mnist", "--timesteps", "256");
            config.AddCommand<LatencyCommand>("latency")
                .WithDescription("Accuracy against short windows T for each low-latency conversion method, the synaptic events each needs "
                    + "at matched accuracy (ANN − 0.5 pp), and the Pareto front of accuracy against events.")
                .WithExample("latency", "models/mnist_lenet_bn.onnx", "--data", "mnist", "--at", "2,4,8,16,32", "--methods",
                    "plain,fit,light,default", "--report", "reports/latency-lenet");
            config.AddCommand<AttackCommand>("attack")
                .WithDescription("Craft adversarial images on the ANN (FGSM, PGD, PGD-L2, sign-flip) and measure how the ANN and "
                    + "the SNN at several T hold up: accuracy per ε, transfer rate, perturbations absorbed by spike counts.")
                .WithExample("attack", "models/mnist_lenet_bn.onnx", "--data", "mnist", "--method", "pgd", "--eps", "0.02,0.05,0.1",
                    "--timesteps", "8,32,128");
            config.AddCommand<FinetuneCommand>("finetune")
                .WithDescription("Fine-tune a converted network with surrogate gradients through time at a short window T (or train "
                    + "the same architecture from scratch with --init random); writes a .snn every command reads. --batch defaults to 64.")
                .WithExample("finetune", "models/mnist_lenet_bn.onnx", "--data", "mnist", "--timesteps", "4", "--epochs", "1", "-o",
                    "tuned.snn");
            config.AddCommand<SweepCommand>("sweep")
                .WithDescription("Run every configuration of a sweep spec (locally, one shard of them, or as a Slurm job array).")
                .WithExample("sweep", "sweep.json", "--out", "runs/sweep");
            config.AddCommand<MergeCommand>("merge")
                .WithDescription("Add up the shards of an evaluation or a sweep into one result (and the sweep report).")
                .WithExample("merge", "runs/sweep", "-o", "runs/sweep/merged.json", "--report", "runs/sweep/report");
            config.AddCommand<BenchCommand>("bench")
                .WithDescription("Time the simulator backends on the same converted network and images: images/s, synaptic events/s, "
                    + "ns per event.")
                .WithExample("bench", "models/mnist_lenet_bn.onnx", "--data", "mnist", "--timesteps", "32");
        });

        try
        {
            return app.Run(args);
        }
        catch (Ann2SnnException e)
        {
            // The library names options by property; the user typed them with dashes.
            error.WriteLine($"ann2snn: error: {OneLine(OptionNames.Dashed(e.Message))}");
            if (verbose) error.WriteLine(e.ToString());
            return ExitBadInput;
        }
        catch (CommandAppException e)
        {
            error.WriteLine($"ann2snn: usage error: {OneLine(e.Message)}");
            error.WriteLine("run 'ann2snn --help' for usage");
            return ExitBadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"ann2snn: unexpected error: {e.GetType().Name}: {OneLine(e.Message)}");
            if (verbose) error.WriteLine(e.ToString());
            else error.WriteLine("run again with --verbose for details");
            return ExitUnexpected;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
