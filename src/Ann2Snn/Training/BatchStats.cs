namespace Ann2Snn.Training;

/// <summary>Summed loss and correct images of <paramref name="Count"/> images of one batch.</summary>
public readonly record struct BatchStats(double Loss, int Correct, int Count);
