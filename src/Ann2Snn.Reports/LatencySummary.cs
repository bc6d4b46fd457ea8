using Ann2Snn.Analysis;

namespace Ann2Snn.Reports;

/// <summary>The distribution of steps to a stable answer (see <see cref="AccuracyLatency"/>).</summary>
public sealed record LatencySummary(int P50, int P90, int P99, double Mean, IReadOnlyList<LatencyBin> Bins);
