using Ann2Snn.Simulation;

namespace Ann2Snn.Training;

/// <summary>Options of the differentiable simulation (what the forward pass runs and how the backward pass differentiates it).</summary>
public sealed record TrainingOptions
{
    /// <summary>Window T: the forward pass runs T steps with analog input, as the dense backend does; logits are readout / T.</summary>
    public int Timesteps { get; init; } = 4;

    /// <summary>The surrogate derivative of the spike function.</summary>
    public SurrogateKind Surrogate { get; init; } = SurrogateKind.Atan;

    /// <summary>Slope k of the surrogate (k &gt; 0).</summary>
    public float Slope { get; init; } = 2f;

    /// <summary>
    /// Detach the reset: the spike in the reset term (v ← u − s·θ, or v ← (1 − s)·u + s·V_reset) is treated as a constant, so
    /// the gradient reaches the membrane only through the charge (Zenke &amp; Vogels 2021).
    /// </summary>
    public bool DetachReset { get; init; }

    /// <summary>Learn each population's threshold θ (one scalar per layer) with the weights.</summary>
    public bool LearnThresholds { get; init; }

    /// <summary>
    /// Images per work item. A batch is cut into chunks of this many images, each simulated and differentiated on its own, and
    /// their gradients are added in chunk order: results depend on the chunk size, never on the thread count.
    /// </summary>
    public int ChunkSize { get; init; } = 16;

    /// <summary>Worker threads; 0 = one per processor.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when a value is outside its domain.</summary>
    public void Validate()
    {
        if (Timesteps <= 0 || Timesteps > SimulationOptions.MaxTimesteps) ThrowHelper.InvalidOption("timesteps",
            $"T = {Timesteps} must be in 1..{SimulationOptions.MaxTimesteps}");
        if (!(Slope > 0) || !float.IsFinite(Slope)) ThrowHelper.InvalidOption("slope", $"{Slope} must be positive and finite");
        if (!Enum.IsDefined(Surrogate)) ThrowHelper.InvalidOption("surrogate", $"{Surrogate} is not a surrogate");
        if (ChunkSize <= 0) ThrowHelper.InvalidOption("chunk", $"{ChunkSize} must be positive");
        if (MaxDegreeOfParallelism < 0) ThrowHelper.InvalidOption("threads", $"{MaxDegreeOfParallelism} must not be negative");
    }
}
