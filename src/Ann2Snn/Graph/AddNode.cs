using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>Element-wise sum of two tensors of the same shape (residual connections).</summary>
public sealed class AddNode : Node
{
    public AddNode(string name, Node a, Node b) : base(name, [a, b])
    {
        if (!a.OutputShape.Equals(b.OutputShape))
        {
            throw new InvalidModelException($"node '{name}' (Add): input shapes {a.OutputShape} and {b.OutputShape} differ");
        }
        OutputShape = a.OutputShape;
    }

    public override Shape OutputShape { get; }
    public override string Op => "Add";
}
