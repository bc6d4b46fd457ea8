namespace Ann2Snn.Ann;

/// <summary>ANN accuracy on a labelled data set.</summary>
public sealed record AnnEvaluation(int Correct, int Total, double Seconds, int[] Predictions)
{
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;
    public double ImagesPerSecond => Seconds > 0 ? Total / Seconds : double.PositiveInfinity;
}
