namespace Ann2Snn.Evaluation;

/// <summary>The SNN's accuracy after <paramref name="Timesteps"/> steps, beside the ANN's (null when no ANN was evaluated).</summary>
public sealed record StepAccuracy(int Timesteps, double Snn, double? Ann)
{
    /// <summary>SNN − ANN accuracy (a fraction; null without an ANN).</summary>
    public double? Difference => Snn - Ann;
}
