namespace Ann2Snn.Ann;

/// <summary>
/// What <see cref="AnnGradients"/> computed for a batch: each sample's loss, the values it was taken on (the logits), the
/// gradient of the summed loss with respect to the input (batch × input size: each sample's own loss's gradient), and,
/// when asked, with respect to every parameter (summed over the batch).
/// </summary>
public sealed record GradientResult(int Batch, float[] Losses, float[] Values, float[] InputGradient,
    IReadOnlyList<ParameterGradient> Parameters);
