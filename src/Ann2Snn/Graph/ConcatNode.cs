using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>Concatenation along the channel axis (axis 0 of the per-sample shape).</summary>
public sealed class ConcatNode : Node
{
    public ConcatNode(string name, IReadOnlyList<Node> inputs) : base(name, inputs)
    {
        if (inputs.Count == 0) throw new InvalidModelException($"node '{name}' (Concat): needs at least one input");
        Shape first = inputs[0].OutputShape;
        int channels = 0;
        foreach (Node n in inputs)
        {
            Shape s = n.OutputShape;
            if (s.Rank != first.Rank || !s.Skip(1).SequenceEqual(first.Skip(1)))
            {
                throw new InvalidModelException($"node '{name}' (Concat): input shapes {first} and {s} differ outside the channel axis");
            }
            channels += s.Channels;
        }
        int[] dims = first.ToArray();
        dims[0] = channels;
        OutputShape = new Shape(dims);
    }

    public override Shape OutputShape { get; }
    public override string Op => "Concat";
}
