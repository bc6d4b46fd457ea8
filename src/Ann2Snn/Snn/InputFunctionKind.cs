namespace Ann2Snn.Snn;

/// <summary>
/// The element-wise steps of an <see cref="InputFunction"/> (ONNX's definitions, as the ANN executor computes them), with
/// the parameter lists each takes (<see cref="InputFunctionStep.Parameters"/>) and its name in the text form.
/// </summary>
public enum InputFunctionKind
{
    /// <summary><c>affine</c>: y = x·scale + shift; lists [scale], [shift], each of 1 value, one per channel or one per element.</summary>
    Affine,

    /// <summary><c>sigmoid</c>: y = 1 / (1 + e^−x).</summary>
    Sigmoid,

    /// <summary><c>tanh</c>: y = tanh x.</summary>
    Tanh,

    /// <summary><c>relu</c>: y = max(x, 0).</summary>
    Relu,

    /// <summary><c>leaky_relu</c>: y = x for x ≥ 0, α·x below; list [α].</summary>
    LeakyRelu,

    /// <summary><c>prelu</c>: y = x for x ≥ 0, s·x below; list [s] of 1 value, one per channel or one per element.</summary>
    PRelu,

    /// <summary><c>elu</c>: y = x for x &gt; 0, α·(e^x − 1) otherwise; list [α].</summary>
    Elu,

    /// <summary><c>hard_sigmoid</c>: y = max(0, min(1, α·x + β)); lists [α], [β].</summary>
    HardSigmoid,

    /// <summary><c>hard_swish</c>: y = x · max(0, min(1, x/6 + 1/2)).</summary>
    HardSwish,

    /// <summary><c>clip</c>: y = min(max(x, lo), hi), lo ≤ hi (either may be infinite); lists [lo], [hi].</summary>
    Clip,

    /// <summary><c>floor</c>: y = ⌊x⌋.</summary>
    Floor,
}
