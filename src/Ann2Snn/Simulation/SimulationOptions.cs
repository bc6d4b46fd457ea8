using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>Options of one simulation run.</summary>
public sealed record SimulationOptions
{
    /// <summary>
    /// Observation window T in steps; the prediction is recorded at every step up to it (the ttfs backend sets its own, see
    /// <see cref="TtfsWindow"/>).
    /// </summary>
    public int Timesteps { get; init; } = 256;

    public InputEncoding Input { get; init; } = InputEncoding.Analog;

    /// <summary>Poisson input: spike probability per step of an input at the network's input scale (≤ 1).</summary>
    public float PoissonMaxRate { get; init; } = 1f;

    /// <summary>Seed of every random choice (Poisson input); the same seed gives the same spikes on any thread count.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Index, in the whole data set, of the first image this run simulates: image k of the run draws the Poisson stream of
    /// global image <c>FirstImage + k</c>, seeded by <c>Seed·φ ⊕ (FirstImage + k)</c> (φ = 0x9E3779B97F4A7C15), so a run over
    /// a range of the images (a shard) draws exactly the spikes the whole run draws for them. 0 for a whole run.
    /// </summary>
    public int FirstImage { get; init; }

    public BiasMode Bias { get; init; } = BiasMode.Current;

    /// <summary>Rate of a bias neuron in spikes per step, in (0, 1].</summary>
    public float BiasNeuronRate { get; init; } = 0.5f;

    public SynapseModel Synapse { get; init; } = SynapseModel.Delta;

    /// <summary>
    /// Synaptic time constant τs of exponential synapses, in the time unit of the neurons' Δt (steps at Δt = 1): the synaptic
    /// current decays by e^(−Δt/τs) per step.
    /// </summary>
    public float TauSyn { get; init; } = 5f;

    /// <summary>
    /// Time-to-first-spike backend: steps per population window W. Every population spikes within its own window of W
    /// steps, so values are quantized to 1/W and a run lasts (depth of the network + 1)·W steps.
    /// </summary>
    public int TtfsWindow { get; init; } = 32;

    /// <summary>Images simulated together by one worker.</summary>
    public int ChunkSize { get; init; } = 32;

    /// <summary>Worker threads; 0 = one per processor.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Keep each image's final output estimate (readout potential / T, in ANN output units).</summary>
    public bool KeepOutputs { get; init; }

    /// <summary>How operator layers are evaluated each step (<see cref="OperatorEvaluation"/>).</summary>
    public OperatorEvaluation Operators { get; init; } = OperatorEvaluation.Exact;

    /// <summary>Neurons whose membrane potential is recorded (first image only).</summary>
    public IReadOnlyList<NeuronProbe> Probes { get; init; } = [];

    /// <summary>Largest <see cref="TtfsWindow"/>: spike levels 0..W stay exact in float arithmetic.</summary>
    public const int MaxTtfsWindow = 1 << 16;

    /// <summary>Longest observation window accepted.</summary>
    public const int MaxTimesteps = 1_000_000;

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when a value is outside its domain.</summary>
    public void Validate()
    {
        if (Timesteps <= 0) ThrowHelper.InvalidOption("timesteps", $"T = {Timesteps} must be positive");
        if (Timesteps > MaxTimesteps) ThrowHelper.InvalidOption("timesteps",
            $"T = {Timesteps} exceeds the limit of {MaxTimesteps:N0} steps");
        if (!(PoissonMaxRate > 0 && PoissonMaxRate <= 1)) ThrowHelper.InvalidOption("poisson-rate", $"{PoissonMaxRate} is outside (0, 1]");
        if (!(BiasNeuronRate > 0 && BiasNeuronRate <= 1)) ThrowHelper.InvalidOption("bias-rate", $"{BiasNeuronRate} is outside (0, 1]");
        if (!(TauSyn > 0) || !float.IsFinite(TauSyn)) ThrowHelper.InvalidOption("tau-syn", $"τs = {TauSyn} must be positive and finite");
        if (TtfsWindow <= 0 || TtfsWindow > MaxTtfsWindow) ThrowHelper.InvalidOption("ttfs-window",
            $"W = {TtfsWindow} is outside 1..{MaxTtfsWindow}");
        if (FirstImage < 0) ThrowHelper.InvalidOption("first-image", $"{FirstImage} must not be negative");
        if (ChunkSize <= 0) ThrowHelper.InvalidOption("chunk", $"{ChunkSize} must be positive");
        if (MaxDegreeOfParallelism < 0) ThrowHelper.InvalidOption("threads", $"{MaxDegreeOfParallelism} must not be negative");
    }
}
