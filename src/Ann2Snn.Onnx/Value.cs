using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Onnx;

/// <summary>What an ONNX value name stands for while importing.</summary>
internal abstract record Value;

/// <summary>A runtime tensor [N, …] produced by an IR node (its per-sample shape is the node's output shape).</summary>
internal sealed record TensorValue(Node Node) : Value
{
    public Shape Shape => Node.OutputShape;
}

/// <summary>A constant known at import time.</summary>
internal sealed record ConstantValue(ConstTensor Tensor) : Value;

/// <summary>
/// The output of a zero, spatial-only Pad that feeds a single Conv or pooling node, which absorbs the pads into its
/// own window. Padding is (top, left, bottom, right).
/// </summary>
internal sealed record PaddedValue(Node Source, int Top, int Left, int Bottom, int Right, string PadNode) : Value;
