namespace Ann2Snn.Snn;

/// <summary>
/// The function f an <see cref="OperatorLayer"/> applies to the mean of its accumulated operands (names as the .snn
/// format spells them in lower case).
/// </summary>
public enum OperatorKind
{
    /// <summary>y = exp(x − max x) / Σ exp(x − max x) over the last axis.</summary>
    Softmax,

    /// <summary>
    /// y = γ ⊙ (x − μ) / √(σ² + ε) + β over the trailing <see cref="OperatorLayer.NormalizedAxes"/> axes (μ, σ² the mean and
    /// the biased variance over them).
    /// </summary>
    LayerNorm,

    /// <summary>y = x · Φ(x) = x/2 · (1 + erf(x/√2)), element-wise (the exact GELU).</summary>
    Gelu,

    /// <summary>
    /// Y = A · B for A [..., m, k] and B [..., k, n], the leading axes broadcast as NumPy does: two operands, both
    /// time-varying (a product of two spike-carried tensors, e.g. Q·Kᵀ and attention·V).
    /// </summary>
    MatMul,
}
