namespace Ann2Snn.Analysis;

/// <summary>
/// One bin of <see cref="AccuracyLatency.Histogram"/>: images whose prediction was stable from a step in <c>From..To</c>.
/// </summary>
public sealed record LatencyBin(int From, int To, int Images);
