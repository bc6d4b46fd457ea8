using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>The graph input; its shape excludes the batch dimension.</summary>
public sealed class InputNode : Node
{
    public InputNode(string name, Shape shape) : base(name, []) => OutputShape = shape;
    public override Shape OutputShape { get; }
    public override string Op => "Input";
}
