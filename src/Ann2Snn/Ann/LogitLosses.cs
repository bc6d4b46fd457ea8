namespace Ann2Snn.Ann;

/// <summary>Values and gradients of the <see cref="LogitLoss"/> functions, one sample at a time.</summary>
public static class LogitLosses
{
    /// <summary>
    /// The loss of <paramref name="logits"/> for <paramref name="label"/>; writes ∂loss/∂z into <paramref name="gradient"/>:
    /// exp(log-softmax(z)) − onehot(y) for cross-entropy, +1 at the largest other logit and −1 at y for the margin.
    /// </summary>
    public static float Evaluate(LogitLoss loss, ReadOnlySpan<float> logits, int label, Span<float> gradient)
    {
        int n = logits.Length;
        if ((uint)label >= (uint)n) throw new ArgumentOutOfRangeException(nameof(label), $"label {label} is outside 0..{n - 1}");
        if (gradient.Length != n) throw new ArgumentException($"{gradient.Length} gradients for {n} logits", nameof(gradient));
        if (loss == LogitLoss.Margin)
        {
            int other = -1;
            for (int j = 0; j < n; j++)
            {
                if (j != label && (other < 0 || logits[j] > logits[other])) other = j;
            }
            gradient.Clear();
            if (other < 0) return 0f;
            gradient[other] = 1f;
            gradient[label] = -1f;
            return logits[other] - logits[label];
        }
        // In single precision and in PyTorch's order (log-softmax, then its backward), so that where the softmax saturates the
        // gradient is what PyTorch's is: exactly zero at the label once Σ e^(z−max) rounds to 1, not a tiny negative number
        // whose sign an FGSM step would follow.
        float max = float.NegativeInfinity;
        foreach (float z in logits) max = MathF.Max(max, z);
        float sum = 0;
        for (int j = 0; j < n; j++) sum += MathF.Exp(logits[j] - max);
        float log = MathF.Log(sum);
        for (int j = 0; j < n; j++) gradient[j] = MathF.Exp(logits[j] - max - log);
        gradient[label] -= 1f;
        return -(logits[label] - max - log);
    }
}
