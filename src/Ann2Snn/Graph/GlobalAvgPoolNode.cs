using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>Average over each channel's whole plane: [C, H, W] → [C, 1, 1].</summary>
public sealed class GlobalAvgPoolNode : Node
{
    public GlobalAvgPoolNode(string name, Node input) : base(name, [input])
    {
        Shape x = Single(name, "GlobalAvgPool", Inputs);
        RequireRank(name, "GlobalAvgPool", x, 3);
        OutputShape = new Shape(x.Channels, 1, 1);
    }

    public override Shape OutputShape { get; }
    public override string Op => "GlobalAvgPool";
}
