namespace Ann2Snn.Graph;

/// <summary>
/// The element-wise functions of <see cref="ActivationNode"/>, with their parameters (ONNX's definitions). ReLU and Clip
/// have nodes of their own: conversion maps them onto integrate-and-fire neurons.
/// </summary>
public enum ActivationKind
{
    /// <summary>y = 1 / (1 + e^−x).</summary>
    Sigmoid,

    /// <summary>y = tanh x = (e^x − e^−x) / (e^x + e^−x).</summary>
    Tanh,

    /// <summary>y = x for x ≥ 0, α·x below (ONNX's default α = 0.01).</summary>
    LeakyRelu,

    /// <summary>y = x for x ≥ 0, s·x below, with a slope s per element, per channel or one for all (a constant tensor).</summary>
    PRelu,

    /// <summary>y = x for x &gt; 0, α·(e^x − 1) otherwise (ONNX's default α = 1).</summary>
    Elu,

    /// <summary>y = max(0, min(1, α·x + β)) (ONNX's defaults α = 0.2, β = 0.5).</summary>
    HardSigmoid,

    /// <summary>y = x · max(0, min(1, x/6 + 1/2)).</summary>
    HardSwish,

    /// <summary>y = ⌊x⌋, the largest integer not above x.</summary>
    Floor,

    /// <summary>GELU, exact form: y = x · Φ(x) = x · (1 + erf(x / √2)) / 2 (ONNX Gelu approximate="none"; PyTorch nn.GELU()).</summary>
    Gelu,

    /// <summary>GELU, tanh form: y = x · (1 + tanh(√(2/π) · (x + 0.044715 x³))) / 2 (ONNX Gelu approximate="tanh").</summary>
    GeluTanh,

    /// <summary>y = erf x = (2/√π) ∫₀ˣ e^(−t²) dt.</summary>
    Erf,

    /// <summary>y = √x (NaN below 0, as ONNX's).</summary>
    Sqrt,

    /// <summary>y = x^α for a constant exponent α (ONNX Pow by a scalar constant); x² and x^0.5 in LayerNorm written out.</summary>
    Pow,
}
