using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// An element-wise function of two computed tensors (<see cref="BinaryKind"/>: y = a + b, a − b, a·b or a / b) with NumPy
/// broadcasting of the per-sample axes: both operands have the same rank, and along each axis their dims are equal or
/// one of them is 1 (that operand is repeated along it). The batch is never broadcast. Residual sums of one shape are
/// <see cref="AddNode"/>; this node holds what that cannot: the products and quotients of LayerNorm, GELU and attention
/// written out, and sums against a reduced tensor (x − mean(x)).
/// </summary>
public sealed class BinaryNode : Node
{
    public BinaryNode(string name, Node a, Node b, BinaryKind kind) : base(name, [a, b])
    {
        if (!Enum.IsDefined(kind)) throw new InvalidModelException($"node '{name}': unknown binary kind {(int)kind}");
        Kind = kind;
        OutputShape = Broadcast(name, kind.ToString(), a.OutputShape, b.OutputShape);
    }

    public BinaryKind Kind { get; }
    public override Shape OutputShape { get; }
    public override string Op => Kind.ToString();
    public override string Describe() =>
        Inputs[0].OutputShape.Equals(Inputs[1].OutputShape) ? "" : $"{Inputs[0].OutputShape} with {Inputs[1].OutputShape}";

    /// <summary>
    /// The NumPy broadcast of two per-sample shapes of one rank: along each axis the dims are equal or one is 1.
    /// </summary>
    internal static Shape Broadcast(string name, string op, Shape a, Shape b)
    {
        if (a.Rank != b.Rank)
        {
            throw new InvalidModelException($"node '{name}' ({op}): input shapes {a} and {b} have different ranks; "
                + "broadcasting would reach the batch axis");
        }
        var dims = new int[a.Rank];
        for (int i = 0; i < a.Rank; i++)
        {
            if (a[i] != b[i] && a[i] != 1 && b[i] != 1)
            {
                throw new InvalidModelException($"node '{name}' ({op}): input shapes {a} and {b} do not broadcast (axis {i}: "
                    + $"{a[i]} against {b[i]})");
            }
            dims[i] = a[i] == 1 ? b[i] : a[i];
        }
        return new Shape(dims);
    }
}
