using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>Reinterprets the per-sample tensor with a new shape of the same size (Flatten, Reshape). Data order is unchanged.</summary>
public sealed class ReshapeNode : Node
{
    public ReshapeNode(string name, Node input, Shape shape, string op = "Reshape") : base(name, [input])
    {
        Shape x = Single(name, op, Inputs);
        if (shape.Size != x.Size)
        {
            throw new InvalidModelException($"node '{name}' ({op}): cannot reshape {x} ({x.Size} elements) "
                + $"to {shape} ({shape.Size} elements)");
        }
        OutputShape = shape;
        Op = op;
    }

    public override Shape OutputShape { get; }
    public override string Op { get; }
}
