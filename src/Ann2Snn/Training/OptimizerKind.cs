namespace Ann2Snn.Training;

/// <summary>How a gradient becomes an update.</summary>
public enum OptimizerKind
{
    /// <summary>
    /// Adam (Kingma &amp; Ba 2015) in PyTorch's form: g ← g + λ·p; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
    /// p ← p − η·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).
    /// </summary>
    Adam,

    /// <summary>SGD with momentum μ in PyTorch's form: g ← g + λ·p; b ← μ·b + g (b = g at the first step); p ← p − η·b.</summary>
    Sgd,
}
