namespace Ann2Snn.Graph;

/// <summary>The activation functions a <see cref="RecurrentNode"/> may apply (ONNX's names Relu, Tanh, Sigmoid).</summary>
public enum RecurrentActivation
{
    /// <summary>y = max(0, x).</summary>
    Relu,

    /// <summary>y = tanh x.</summary>
    Tanh,

    /// <summary>y = 1 / (1 + e^−x).</summary>
    Sigmoid,
}
