namespace Ann2Snn.Analysis;

/// <summary>
/// Result of <see cref="ErrorDecomposition.Run"/>; <see cref="VarianceSlope"/> is the least-squares slope of log variance against
/// log T (≈ −1).
/// </summary>
public sealed record ErrorDecompositionReport(IReadOnlyList<ErrorAtT> Points, double VarianceSlope, SaturationShare? Saturation);
