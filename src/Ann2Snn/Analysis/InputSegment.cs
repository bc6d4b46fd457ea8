namespace Ann2Snn.Analysis;

/// <summary>A stretch of constant input current: <paramref name="Current"/> for <paramref name="Duration"/> time units.</summary>
public readonly record struct InputSegment(double Duration, double Current);
