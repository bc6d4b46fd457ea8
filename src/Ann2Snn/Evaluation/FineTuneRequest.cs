using Ann2Snn.Data;
using Ann2Snn.Snn;
using Ann2Snn.Training;

namespace Ann2Snn.Evaluation;

/// <summary>
/// A fine-tuning run (M17): the converted network, its training and test images (as the network takes them), the options.
/// </summary>
public sealed record FineTuneRequest
{
    public required SpikingNetwork Network { get; init; }
    public required IDataset Train { get; init; }

    /// <summary>Test images, evaluated before the run and after every epoch (null: none).</summary>
    public IDataset? Test { get; init; }

    public FineTuneOptions Options { get; init; } = new();

    /// <summary>Train the same architecture from a random initialization (direct training) instead of the converted weights.</summary>
    public bool RandomInit { get; init; }

    /// <summary>Only the first N training images.</summary>
    public int? Limit { get; init; }

    /// <summary>Only the first N test images.</summary>
    public int? TestLimit { get; init; }

    /// <summary>Folder of a checkpoint per epoch (null: none).</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Continue from the checkpoint in <see cref="Checkpoint"/>.</summary>
    public bool Resume { get; init; }

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when the request is inconsistent.</summary>
    public void Validate()
    {
        Options.Validate();
        if (Resume && Checkpoint is null) ThrowHelper.InvalidOption("resume", "needs --checkpoint DIR, the folder to resume from");
        if (Limit is <= 0) ThrowHelper.InvalidOption("limit", $"{Limit} must be positive");
    }
}
