namespace Ann2Snn.Evaluation;

/// <summary>
/// Where <see cref="LatencySweep.Run"/> stands: <paramref name="Done"/> of <paramref name="Total"/> points measured. Reported
/// as a point starts (<paramref name="Point"/> null) and as it ends (with its <paramref name="Point"/>).
/// </summary>
public sealed record LatencySweepProgress(int Done, int Total, string Method, int Timesteps, LatencyPoint? Point);
