namespace Ann2Snn;

/// <summary>Training stopped because the loss stopped being a number; the message names the epoch and batch.</summary>
public sealed class TrainingDivergedException : Ann2SnnException
{
    public TrainingDivergedException(string message) : base(message) { }
}
