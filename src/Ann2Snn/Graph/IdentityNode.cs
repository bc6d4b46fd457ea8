using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>A pass-through at inference time (Identity, Dropout); kept so the graph mirrors the file until a pass drops it.</summary>
public sealed class IdentityNode : Node
{
    public IdentityNode(string name, Node input, string op = "Identity") : base(name, [input])
    {
        OutputShape = Single(name, op, Inputs);
        Op = op;
    }

    public override Shape OutputShape { get; }
    public override string Op { get; }
}
