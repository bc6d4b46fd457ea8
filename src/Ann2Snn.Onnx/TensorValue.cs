using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Onnx;

/// <summary>A runtime tensor [N, …] produced by an IR node (its per-sample shape is the node's output shape).</summary>
internal sealed record TensorValue(Node Node) : Value
{
    public Shape Shape => Node.OutputShape;
}
