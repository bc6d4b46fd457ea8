using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// Max or average pooling over each channel's H×W plane (or the row of a sequence [C, L]). Padded cells are −∞ for
/// max pooling; for average pooling they count in the divisor only when <see cref="CountIncludePad"/> is set.
/// </summary>
public sealed class Pool2dNode : Node
{
    public Pool2dNode(string name, Node input, PoolKind kind, Window2d window, bool countIncludePad = false) : base(name, [input])
    {
        Shape x = Single(name, kind == PoolKind.Max ? "MaxPool2d" : "AvgPool2d", Inputs);
        RequireSpatial(name, Op, x);
        Kind = kind;
        Window = window;
        CountIncludePad = countIncludePad;
        OutputShape = WindowOutput(name, Op, x, x.Channels, window);
    }

    public PoolKind Kind { get; }
    public Window2d Window { get; }
    public bool CountIncludePad { get; }
    public override Shape OutputShape { get; }
    public override string Op => Kind == PoolKind.Max ? "MaxPool2d" : "AvgPool2d";
    public override string Describe() => Window + (Kind == PoolKind.Average && CountIncludePad ? " incl-pad" : "");
}
