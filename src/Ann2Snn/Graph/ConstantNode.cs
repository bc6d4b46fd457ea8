using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// A per-sample constant, the same for every sample of the batch: a learned token (a ViT's class token, broadcast over
/// the batch by the exporter's Expand) that a Concat joins to computed tensors. It reads its one input (the anchor) only
/// to belong to the graph (its batch); its values do not depend on it.
/// </summary>
public sealed class ConstantNode : Node
{
    public ConstantNode(string name, Node anchor, Shape shape, float[] values) : base(name, [anchor])
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != shape.Size)
        {
            throw new InvalidModelException($"node '{name}' (Constant): {values.Length} values for shape {shape}");
        }
        if (!values.All(float.IsFinite)) throw new InvalidModelException($"node '{name}' (Constant): holds a non-finite value");
        OutputShape = shape;
        Values = values;
    }

    public float[] Values { get; }
    public override Shape OutputShape { get; }
    public override string Op => "Constant";
    public override long Parameters => Values.Length;
}
