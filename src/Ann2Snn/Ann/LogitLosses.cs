namespace Ann2Snn.Ann;

/// <summary>Values and gradients of the <see cref="LogitLoss"/> functions, one sample at a time.</summary>
public static class LogitLosses
{
    /// <summary>
    /// The loss of <paramref name="logits"/> for <paramref name="label"/>; writes ∂loss/∂z into <paramref name="gradient"/>:
    /// softmax(z) − onehot(y) for cross-entropy, +1 at the largest other logit and −1 at y for the margin.
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
        float max = float.NegativeInfinity;
        foreach (float z in logits) max = MathF.Max(max, z);
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.Exp(logits[j] - max);
        for (int j = 0; j < n; j++) gradient[j] = (float)(Math.Exp(logits[j] - max) / sum);
        gradient[label] -= 1f;
        return (float)(Math.Log(sum) + max - logits[label]);
    }
}
