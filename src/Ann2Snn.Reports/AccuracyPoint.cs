namespace Ann2Snn.Reports;

/// <summary>SNN accuracy after <paramref name="Timesteps"/> steps.</summary>
public sealed record AccuracyPoint(int Timesteps, double Snn);
