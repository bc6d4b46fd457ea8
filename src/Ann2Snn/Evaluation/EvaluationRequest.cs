using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Evaluation;

/// <summary>
/// What <see cref="Evaluator.Run"/> evaluates, and how. The spiking network simulated is <see cref="Network"/> or a
/// <c>.snn</c> <see cref="ModelPath"/>; the ANN is <see cref="Graph"/>, any other <see cref="ModelPath"/>, or
/// <see cref="AnnPath"/>. Without a spiking network the ANN is converted (<see cref="Converts"/>). Files other than
/// <c>.snn</c> are read by <see cref="GraphLoader"/>: the core reads no ONNX, the importer's
/// <c>path =&gt; OnnxImporter.Load(path)</c> fits.
/// </summary>
public sealed record EvaluationRequest
{
    /// <summary>The model file: a converted network (<c>.snn</c>) or an ANN read by <see cref="GraphLoader"/> (e.g. ONNX).</summary>
    public string? ModelPath { get; init; }

    /// <summary>An ANN already loaded: converted, or with <see cref="Network"/> (or a <c>.snn</c> file) the ANN it came from.</summary>
    public ModelGraph? Graph { get; init; }

    /// <summary>A converted network already loaded (instead of a <c>.snn</c> file).</summary>
    public SpikingNetwork? Network { get; init; }

    /// <summary>
    /// With a converted network: the file of the ANN it came from, read by <see cref="GraphLoader"/>, for the ANN's
    /// accuracy and the energy estimates. Ignored when the model is converted in this run (its own graph is the ANN).
    /// </summary>
    public string? AnnPath { get; init; }

    /// <summary>Reads an ANN file (<see cref="ModelPath"/> other than <c>.snn</c>, <see cref="AnnPath"/>) into a graph.</summary>
    public Func<string, ModelGraph>? GraphLoader { get; init; }

    /// <summary>The labelled test images, for both the ANN and the SNN.</summary>
    public required IDataset Data { get; init; }

    /// <summary>
    /// How the images' stored values become the model's inputs (scale, mean, standard deviation), for both <see cref="Data"/>
    /// and <see cref="Calibration"/>. Values left null take those a converted network stores (<see cref="PreprocessingMetadata"/>),
    /// else the data's own scale and no normalization. When the images' shape differs from the model's input, an
    /// <see cref="InputAdaptation"/> lays them out as it takes them.
    /// </summary>
    public InputPreprocessing Preprocessing { get; init; } = InputPreprocessing.Default;

    /// <summary>
    /// Calibration images, for a conversion whose normalization needs them (<see cref="NormalizationKindExtensions.NeedsCalibration"/>).
    /// </summary>
    public IDataset? Calibration { get; init; }

    /// <summary>Options of the conversion (used when <see cref="Converts"/>).</summary>
    public ConversionOptions Conversion { get; init; } = new();

    /// <summary>
    /// Options of the simulation: T, seed, synapses, bias and threads. Its input encoding applies when
    /// <see cref="Input"/> is null and the network stores none (<see cref="InputEncodingMetadata"/>); with time-to-first-spike
    /// input, T is the length of the code, (depth + 1)·<see cref="SimulationOptions.TtfsWindow"/>.
    /// </summary>
    public SimulationOptions Simulation { get; init; } = new();

    /// <summary>The input encoding, over the one the network was converted for; null keeps that (or <see cref="Simulation"/>'s).</summary>
    public InputEncoding? Input { get; init; }

    /// <summary>The synapse model, over the one the network was converted for (<see cref="SynapseMetadata"/>); null keeps that (or
    /// <see cref="Simulation"/>'s when the network stores none).</summary>
    public SynapseModel? Synapse { get; init; }

    /// <summary>τs of exponential synapses, over the network's stored one; null keeps that (or <see cref="Simulation"/>'s).</summary>
    public float? TauSyn { get; init; }

    /// <summary>
    /// The length of the run in the time unit of the network's Δt (<see cref="Conversion.ConversionOptions.Dt"/>) instead of
    /// <see cref="SimulationOptions.Timesteps"/>: T = max(1, round(duration/Δt)) steps. Null (the default): T as given.
    /// </summary>
    public double? Duration { get; init; }

    /// <summary>The energy profiles the estimates are made for (default: every built-in one).</summary>
    public IReadOnlyList<Analysis.EnergyProfile> EnergyProfiles { get; init; } = Analysis.EnergyProfile.BuiltIn;

    /// <summary>The T values to report SNN accuracy at, each in 1..T; null: <see cref="DefaultSteps"/> (always for ttfs input).</summary>
    public IReadOnlyList<int>? Steps { get; init; }

    /// <summary>
    /// The simulator backend; <see cref="SimulatorBackend.Auto"/> decides by
    /// <see cref="Simulators.Choose(SimulatorBackend, SpikingNetwork?, SimulationOptions?, Func{DataBatch}?)"/>.
    /// </summary>
    public SimulatorBackend Backend { get; init; } = SimulatorBackend.Auto;

    /// <summary>Images per batch of the ANN and the SNN runs.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Use only the first images of <see cref="Data"/>; null: all.</summary>
    public int? Limit { get; init; }

    /// <summary>
    /// Evaluate only this part of the (limited) test images (<see cref="Evaluation.Shard.Range"/>), with the Poisson input each
    /// image would draw in the whole run (<see cref="SimulationOptions.FirstImage"/>) and the backend "auto" would choose for it:
    /// the shards' <see cref="EvaluationResult.Totals"/> merge into the whole run's. Null (the default): all of them.
    /// </summary>
    public Shard? Shard { get; init; }

    /// <summary>Options of the ANN executor (calibration and ANN accuracy).</summary>
    public AnnExecutorOptions Executor { get; init; } = new();

    /// <summary>
    /// The ANN's accuracy already measured on these images (the same ANN, <see cref="Data"/>, <see cref="Preprocessing"/> and
    /// <see cref="Limit"/>): taken as it is instead of running the ANN again, as a sweep over conversions does
    /// (<see cref="LatencySweep"/>). Null (the default) measures it.
    /// </summary>
    public AnnEvaluation? KnownAnn { get; init; }

    /// <summary>Whether the model is converted in this run: an ANN is given and no converted network.</summary>
    public bool Converts => Network is null && !IsNetworkFile(ModelPath);

    /// <summary>Every power of two below <paramref name="timesteps"/>, and <paramref name="timesteps"/> itself.</summary>
    public static int[] DefaultSteps(int timesteps)
    {
        var steps = new List<int>();
        for (int t = 1; t < timesteps; t *= 2) steps.Add(t);
        steps.Add(timesteps);
        return [.. steps];
    }

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when the request cannot be run; reads no file.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Data, nameof(Data));
        if (ModelPath is null && Graph is null && Network is null)
        {
            ThrowHelper.InvalidOption("model", "nothing to evaluate: give a model file, a graph or a converted network");
        }
        if (ModelPath is not null && (Network is not null || (Graph is not null && Converts)))
        {
            ThrowHelper.InvalidOption("model", $"'{ModelPath}' and a loaded model were both given; give one");
        }
        if (Graph is not null && AnnPath is not null && !Converts)
        {
            ThrowHelper.InvalidOption("ann", $"'{AnnPath}' and a loaded ANN graph were both given; give one");
        }
        bool reads = Converts ? Graph is null : AnnPath is not null;
        if (reads && GraphLoader is null)
        {
            string file = (Converts ? ModelPath : AnnPath)!;
            ThrowHelper.InvalidOption("loader", $"no graph loader to read '{file}' (e.g. path => OnnxImporter.Load(path))");
        }
        ArgumentNullException.ThrowIfNull(Preprocessing, nameof(Preprocessing));
        Preprocessing.Validate();
        Simulation.Validate();
        if (!Enum.IsDefined(Backend)) ThrowHelper.InvalidOption("backend", $"{(int)Backend} is not a simulator backend");
        if (BatchSize <= 0) ThrowHelper.InvalidOption("batch", $"{BatchSize} must be positive");
        if (Limit is <= 0) ThrowHelper.InvalidOption("limit", $"{Limit} must be positive");
        if (Steps is { } steps)
        {
            if (steps.Count == 0) ThrowHelper.InvalidOption("steps", "no T values to report");
            foreach (int t in steps.Where(t => t < 1 || (Duration is null && t > Simulation.Timesteps)))
            {
                ThrowHelper.InvalidOption("steps", $"T = {t} is outside 1..{Simulation.Timesteps} (timesteps)");
            }
        }
        if (Duration is { } d && !(d > 0 && double.IsFinite(d))) ThrowHelper.InvalidOption("duration", $"{d} must be positive and finite");
        if (TauSyn is { } tau && !(tau > 0 && float.IsFinite(tau)))
        {
            ThrowHelper.InvalidOption("tau-syn", $"τs = {tau} must be positive and finite");
        }
        ArgumentNullException.ThrowIfNull(EnergyProfiles, nameof(EnergyProfiles));
        foreach (Analysis.EnergyProfile profile in EnergyProfiles) profile.Validate();
        if (Converts)
        {
            Conversion.Validate();
            ConversionPipeline.CheckCalibration(Conversion, Calibration);
        }
    }

    public static bool IsNetworkFile(string? path) =>
        path is not null && path.EndsWith(SnnFile.Extension, StringComparison.OrdinalIgnoreCase);
}
