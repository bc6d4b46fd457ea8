using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// Element-wise affine map by constants, y = x·Scale + Shift, the form of input scaling (Sub/Mul/Div by constants)
/// and of a bias Add. Each of Scale and Shift has 1 element (scalar), C elements (per channel) or the full per-sample size.
/// </summary>
public sealed class ScaleShiftNode : Node
{
    public ScaleShiftNode(string name, Node input, float[] scale, float[] shift, string op = "ScaleShift") : base(name, [input])
    {
        Shape x = Single(name, op, Inputs);
        Check(scale, "scale", x);
        Check(shift, "shift", x);
        Scale = scale;
        Shift = shift;
        OutputShape = x;
        Op = op;

        void Check(float[] v, string what, Shape s)
        {
            if (!ChannelBroadcast.Fits(v.Length, s.Channels, s.Size))
            {
                throw new InvalidModelException($"node '{name}' ({op}): {what} has {v.Length} elements; "
                    + $"expected 1, {s.Channels} (channels) or {s.Size}");
            }
        }
    }

    public float[] Scale { get; }
    public float[] Shift { get; }
    public override Shape OutputShape { get; }
    public override string Op { get; }
}
