using System.ComponentModel;
using System.Globalization;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>Simulation options on the command line.</summary>
public class EvalSettings : ConversionSettings
{
    [CommandOption("-T|--timesteps <T>")]
    [Description("Observation window T in steps (default 256).")]
    public int Timesteps { get; init; } = 256;

    [CommandOption("--at <LIST>")]
    [Description("Comma-separated T values to report (default: every power of two up to T, and T).")]
    public string? At { get; init; }

    [CommandOption("--seed <SEED>")]
    [Description("Seed of the Poisson input (default 1).")]
    public int Seed { get; init; } = 1;

    [CommandOption("--bias <MODE>")]
    [Description("current (constant background current) | neuron (a bias neuron firing at --bias-rate).")]
    public string Bias { get; init; } = "current";

    [CommandOption("--bias-rate <RATE>")]
    [Description("Bias neuron rate in spikes per step (default 0.5).")]
    public float BiasRate { get; init; } = 0.5f;

    [CommandOption("--synapse <MODEL>")]
    [Description("delta | exp (exponential current synapse with --tau-syn).")]
    public string Synapse { get; init; } = "delta";

    [CommandOption("--ttfs-window <W>")]
    [Description("Steps per layer window of the time-to-first-spike code (default 32); T = (depth + 1)·W.")]
    public int TtfsWindow { get; init; } = 32;

    [CommandOption("--backend <NAME>")]
    [Description("Simulator: dense (time-stepped) | layered (dense, one layer at a time over all steps) | "
        + "event (event-driven, cost ∝ synaptic events) | ttfs | auto (default; ttfs for --input ttfs).")]
    public string Backend { get; init; } = "auto";

    [CommandOption("--ann <MODEL>")]
    [Description("With a .snn network: the ONNX model it came from, for the ANN accuracy beside it.")]
    public string? Ann { get; init; }

    [CommandOption("--report <DIR>")]
    [Description("Write a report (index.html with plots, report.json, CSV tables, manifest.json) into DIR.")]
    public string? Report { get; init; }

    /// <summary>Where the report goes when --report is not given (null: no report).</summary>
    protected virtual string? DefaultReport => null;

    /// <summary>The report folder: --report, or the command's default.</summary>
    public string? ReportDir => Report ?? DefaultReport;

    [CommandOption("--tau-syn <STEPS>")]
    [Description("Synaptic time constant in steps (default 5).")]
    public float TauSyn { get; init; } = 5f;

    public SimulationOptions ToSimulationOptions() => new()
    {
        Timesteps = Timesteps,
        Input = InputEncodingOption() ?? InputEncoding.Analog,
        TtfsWindow = TtfsWindow,
        Seed = Seed,
        Bias = Bias switch
        {
            "current" => BiasMode.Current,
            "neuron" => BiasMode.Neuron,
            _ => Bad<BiasMode>("--bias", Bias, "current, neuron"),
        },
        BiasNeuronRate = BiasRate,
        Synapse = Synapse switch
        {
            "delta" => SynapseModel.Delta,
            "exp" => SynapseModel.Exponential,
            _ => Bad<SynapseModel>("--synapse", Synapse, "delta, exp"),
        },
        TauSyn = TauSyn,
        MaxDegreeOfParallelism = Threads,
    };

    /// <summary>The T values to report: the list given, or null for the default (every power of two below T, and T itself).</summary>
    public int[]? ReportSteps()
    {
        if (Timesteps <= 0) Bad<int>("--timesteps", Timesteps.ToString(CultureInfo.InvariantCulture), "positive integers");
        if (At is null) return null;
        var list = new List<int>();
        foreach (string part in At.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int t) || t < 1 || t > Timesteps)
            {
                Bad<int>("--at", part, $"integers in 1..{Timesteps} (--timesteps)");
            }
            list.Add(t);
        }
        if (list.Count == 0) Bad<int>("--at", At, "a comma-separated list of steps");
        return list.Distinct().Order().ToArray();
    }

    /// <summary>
    /// The evaluation of <paramref name="model"/> these options ask for, with conversion options and calibration data
    /// only when the model is converted.
    /// </summary>
    /// <summary>
    /// Longest --timesteps for which eval converts an ONNX model tuned for that window by default (longer windows too for a
    /// model with quantized activations of other than T levels).
    /// </summary>
    public const int AutoWindowLimit = 32;

    /// <summary>
    /// Whether <paramref name="graph"/> has quantized clips whose L levels differ from <paramref name="timesteps"/>: its plain
    /// conversion is exact only at T = L and tends to the unquantized network as T grows, so it is tuned at every other T
    /// (mnist_lenet_qcfs at T = 64: 99.03 % plain, 99.18 % tuned, ANN 99.12 %).
    /// </summary>
    public static bool QuantizedAtOtherLevels(ModelGraph graph, int timesteps) =>
        graph.Nodes.Any(n => n is QuantizedClipNode { Levels: { } l } && l != timesteps);

    public EvaluationRequest ToRequest(string model)
    {
        int[]? steps = ReportSteps();
        InputPreprocessing preprocessing = Preprocessing();
        SimulationOptions simulation = ToSimulationOptions();
        if (!Simulators.Names.Contains(Backend)) Bad<int>("--backend", Backend, string.Join(", ", Simulators.Names));
        var request = new EvaluationRequest
        {
            ModelPath = model,
            AnnPath = Ann,
            GraphLoader = path => OnnxImporter.Load(path),
            Data = OpenData(DatasetSplit.Test),
            Preprocessing = preprocessing,
            Simulation = simulation,
            Input = InputEncodingOption(),
            Steps = steps,
            Backend = Backend,
            BatchSize = BatchSize,
            Limit = Limit,
            Executor = new AnnExecutorOptions { MaxDegreeOfParallelism = Threads },
        };
        if (!request.Converts) return request;
        // The network is converted for the window (--optimize-for none opts out) when it is short, or when the model's
        // quantized activations make the plain conversion exact only at T = L; TTFS sets its own length.
        bool tune = InputEncodingOption() != InputEncoding.Ttfs && OptimizeFor is null;
        // (The request loads the model again when it runs: a request holds a path or a graph, not both.)
        if (tune && Timesteps > AutoWindowLimit) tune = QuantizedAtOtherLevels(OnnxImporter.Load(model), Timesteps);
        ConversionOptions conversion = ToConversionOptions(tune ? Timesteps : null);
        return request with { Conversion = conversion, Calibration = OpenCalibration(conversion) };
    }
}
