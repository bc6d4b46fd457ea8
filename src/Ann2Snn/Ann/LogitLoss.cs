namespace Ann2Snn.Ann;

/// <summary>A loss on one sample's logits z and its label y, whose gradient the attacks and fine-tuning follow.</summary>
public enum LogitLoss
{
    /// <summary>Cross-entropy of the softmax: log Σⱼ e^zⱼ − z_y (PyTorch's <c>cross_entropy</c> on logits).</summary>
    CrossEntropy,

    /// <summary>The margin maxⱼ≠y zⱼ − z_y (Carlini–Wagner's, without a confidence cap): positive exactly when misclassified.</summary>
    Margin,
}
