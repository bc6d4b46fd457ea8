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
    public EvaluationRequest ToRequest(string model)
    {
        // Loaded at most once: by the window decision below, or when the request runs.
        var graph = new Lazy<ModelGraph>(() => OnnxImporter.Load(model));
        int[]? steps = ReportSteps();
        InputPreprocessing preprocessing = Preprocessing();
        SimulationOptions simulation = ToSimulationOptions();
        if (!Simulators.Names.Contains(Backend)) Bad<int>("--backend", Backend, string.Join(", ", Simulators.Names));
        var request = new EvaluationRequest
        {
            ModelPath = model,
            AnnPath = Ann,
            GraphLoader = path => path == model ? graph.Value : OnnxImporter.Load(path),
            Data = OpenData(DatasetSplit.Test),
            Preprocessing = preprocessing,
            Simulation = simulation,
            Input = InputEncodingOption(),
            Steps = steps,
            Backend = Simulators.Parse(Backend, "--backend"),
            BatchSize = BatchSize,
            Limit = Limit,
            Executor = new AnnExecutorOptions { MaxDegreeOfParallelism = Threads },
        };
        if (!request.Converts) return request;
        // Converted for the window unless told (--optimize-for) or TTFS, which sets its own length.
        bool tune = InputEncodingOption() != InputEncoding.Ttfs && OptimizeFor is null
            && (Timesteps <= WindowTuning.AutoWindowLimit || WindowTuning.TunesByDefault(graph.Value, Timesteps));
        ConversionOptions conversion = ToConversionOptions(tune ? Timesteps : null);
        return request with { Conversion = conversion, Calibration = OpenCalibration(conversion) };
    }
}
