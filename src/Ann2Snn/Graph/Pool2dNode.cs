using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// Max or average pooling over each channel's H×W plane. Padded cells are −∞ for max pooling; for average
/// pooling they count in the divisor only when <see cref="CountIncludePad"/> is set.
/// </summary>
public sealed class Pool2dNode : Node
{
    public Pool2dNode(string name, Node input, PoolKind kind, Window2d window, bool countIncludePad = false) : base(name, [input])
    {
        Shape x = Single(name, kind == PoolKind.Max ? "MaxPool2d" : "AvgPool2d", Inputs);
        RequireRank(name, Op, x, 3);
        Kind = kind;
        var (oh, ow) = window.OutputSize(x.Height, x.Width, $"node '{name}' ({Op})");
        Window = window;
        CountIncludePad = countIncludePad;
        OutputShape = new Shape(x.Channels, oh, ow);
    }

    public PoolKind Kind { get; }
    public Window2d Window { get; }
    public bool CountIncludePad { get; }
    public override Shape OutputShape { get; }
    public override string Op => Kind == PoolKind.Max ? "MaxPool2d" : "AvgPool2d";
    public override string Describe() => Window + (Kind == PoolKind.Average && CountIncludePad ? " incl-pad" : "");
}
