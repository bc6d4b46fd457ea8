using Ann2Snn.Analysis;

namespace Ann2Snn.Reports;

/// <summary>Energy per image under one profile (see <see cref="EnergyEstimate"/>).</summary>
public sealed record EnergyRow(string Profile, double SnnJoules, double AnnJoules, double Ratio, double SnnMacShare = 0);
