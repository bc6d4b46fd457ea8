using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// y = min(max(x, Min), Max) (ReLU6 is Clip(0, 6)). With Min &gt; Max that is Max everywhere, as ONNX defines it.
/// </summary>
public sealed class ClipNode : Node
{
    public ClipNode(string name, Node input, float min, float max) : base(name, [input])
    {
        OutputShape = Single(name, "Clip", Inputs);
        if (float.IsNaN(min) || float.IsNaN(max))
        {
            throw new InvalidModelException($"node '{name}' (Clip): bounds min {min} and max {max} must be numbers");
        }
        Min = min;
        Max = max;
    }

    public float Min { get; }
    public float Max { get; }
    public override Shape OutputShape { get; }
    public override string Op => "Clip";
    public override string Describe() => $"[{Min:g4}, {Max:g4}]";
}
