namespace Ann2Snn.Training;

/// <summary>A fine-tuning (or training-from-scratch) run: epochs, batches, order, and the simulation and optimizer it uses.</summary>
public sealed record FineTuneOptions
{
    public int Epochs { get; init; } = 1;

    /// <summary>Images per update (the last batch of an epoch may hold fewer).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of the shuffling (and of a random initialization).</summary>
    public int Seed { get; init; } = 1;

    public TrainingOptions Training { get; init; } = new();
    public OptimizerOptions Optimizer { get; init; } = new();

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when a value is outside its domain.</summary>
    public void Validate()
    {
        if (Epochs <= 0) ThrowHelper.InvalidOption("epochs", $"{Epochs} must be a whole number ≥ 1");
        if (BatchSize <= 0) ThrowHelper.InvalidOption("batch", $"{BatchSize} must be a whole number ≥ 1");
        Training.Validate();
        Optimizer.Validate();
    }
}
