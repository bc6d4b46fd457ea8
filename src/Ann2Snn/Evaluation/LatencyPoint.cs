namespace Ann2Snn.Evaluation;

/// <summary>
/// One point of a <see cref="LatencySweep"/>: the network <paramref name="Method"/> converts for a window of
/// <paramref name="Timesteps"/> steps, simulated for that window on the test images. <paramref name="Accuracy"/> is a fraction;
/// events (spikes × fan-out) and spikes are per image over the window; <paramref name="ConversionSeconds"/> is the
/// conversion's wall-clock time, calibration included; <paramref name="Choices"/> what tuning for the window chose and why
/// (<see cref="Conversion.ConversionResult.Choices"/>; empty for an untuned conversion).
/// </summary>
public sealed record LatencyPoint(
    string Method,
    int Timesteps,
    double Accuracy,
    double SynapticEventsPerImage,
    double SpikesPerImage,
    double ConversionSeconds,
    string Backend,
    IReadOnlyList<string> Choices)
{
    /// <summary>"method@T", the point's label in tables and plots.</summary>
    public string Label => $"{Method}@{Timesteps}";
}
