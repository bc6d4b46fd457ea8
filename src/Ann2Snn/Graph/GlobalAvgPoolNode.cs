using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>Average over each channel's whole plane: [C, H, W] → [C, 1, 1], or [C, L] → [C, 1].</summary>
public sealed class GlobalAvgPoolNode : Node
{
    public GlobalAvgPoolNode(string name, Node input) : base(name, [input])
    {
        Shape x = Single(name, "GlobalAvgPool", Inputs);
        RequireSpatial(name, "GlobalAvgPool", x);
        OutputShape = x.Rank == 3 ? new Shape(x.Channels, 1, 1) : new Shape(x.Channels, 1);
    }

    public override Shape OutputShape { get; }
    public override string Op => "GlobalAvgPool";
}
