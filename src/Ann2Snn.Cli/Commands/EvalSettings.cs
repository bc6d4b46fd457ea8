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
public class EvalSettings : RunSettings
{
    [CommandOption("-T|--timesteps <T>")]
    [Description("Observation window T in steps (default 256; or give --duration).")]
    public int? TimestepsOption { get; init; }

    /// <summary>T in steps: -T, or the default 256 (with --duration the evaluation sets it from the network's Δt).</summary>
    public int Timesteps => TimestepsOption ?? 256;

    [CommandOption("--duration <TIME>")]
    [Description("Observation window in the time unit τ of --dt instead of -T: T = duration/Δt steps (Δt the network's).")]
    public double? Duration { get; init; }

    [CommandOption("--energy-profile <FILE>")]
    [Description("A custom energy profile (JSON: name, synaptic_event_pj, mac_pj, optional weight_read_pj, state_access_pj) "
        + "estimated beside the built-in ones.")]
    public string? EnergyProfile { get; init; }

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
        MaxDegreeOfParallelism = Threads,
    };

    /// <summary>The T values to report: the list given, or null for the default (every power of two below T, and T itself).</summary>
    public int[]? ReportSteps()
    {
        if (Timesteps <= 0) Bad<int>("--timesteps", Timesteps.ToString(CultureInfo.InvariantCulture), "positive integers");
        if (Duration is { } d)
        {
            if (TimestepsOption is not null)
            {
                throw new InvalidOptionException("option '--duration': give -T/--timesteps or --duration, not both");
            }
            if (!(d > 0) || !double.IsFinite(d)) throw new InvalidOptionException($"option '--duration': {d} must be positive and finite");
        }
        if (At is null) return null;
        var list = new List<int>();
        foreach (string part in At.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int most = Duration is null ? Timesteps : SimulationOptions.MaxTimesteps;
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int t) || t < 1 || t > most)
            {
                Bad<int>("--at", part, Duration is null ? $"integers in 1..{Timesteps} (--timesteps)" : "steps within --duration");
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
            Synapse = SynapseOption(),
            TauSyn = TauSynOption(),
            Duration = Duration,
            EnergyProfiles = EnergyProfile is null ? Analysis.EnergyProfile.BuiltIn
                : [.. Analysis.EnergyProfile.BuiltIn, Analysis.EnergyProfile.Read(EnergyProfile)],
            Steps = steps,
            Backend = Simulators.Parse(Backend, "--backend"),
            BatchSize = BatchSize,
            Limit = Limit,
            Executor = new AnnExecutorOptions { MaxDegreeOfParallelism = Threads },
        };
        if (!request.Converts) return request;
        // Converted for the window unless told (--optimize-for) or TTFS, which sets its own length.
        int planned = Duration is { } d ? (int)Math.Clamp(Math.Round(d / Dt), 1, SimulationOptions.MaxTimesteps) : Timesteps;
        bool tune = InputEncodingOption() != InputEncoding.Ttfs && OptimizeFor is null && WindowTuning.TunesByDefault(graph.Value, planned);
        ConversionOptions conversion = ToConversionOptions(tune ? planned : null);
        return request with { Conversion = conversion, Calibration = OpenCalibration(conversion) };
    }
}
