using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>Rectified linear unit, y = max(0, x).</summary>
public sealed class ReluNode : Node
{
    public ReluNode(string name, Node input) : base(name, [input]) => OutputShape = Single(name, "Relu", Inputs);
    public override Shape OutputShape { get; }
    public override string Op => "Relu";
}
