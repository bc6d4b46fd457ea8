using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>Incoming synapses of a population: a chain of linear ops from one source (−1 = the encoded input).</summary>
public sealed record Projection(int Source, IReadOnlyList<SynapticOp> Ops)
{
    /// <summary>At least one op, each taking the shape the previous one delivers.</summary>
    public IReadOnlyList<SynapticOp> Ops { get; init; } = CheckChain(Source, Ops);

    public Shape OutputShape => Ops[^1].OutputShape;

    private static IReadOnlyList<SynapticOp> CheckChain(int source, IReadOnlyList<SynapticOp> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        if (source < -1) throw new InvalidModelException($"projection from {source}: a source is a layer index or −1 (the input)");
        if (ops.Count == 0) throw new InvalidModelException($"projection from {source}: a chain needs at least one op");
        for (int i = 1; i < ops.Count; i++)
        {
            if (!ops[i].InputShape.Equals(ops[i - 1].OutputShape))
            {
                throw new InvalidModelException($"projection from {source}: op {i} ({ops[i].Kind}) takes {ops[i].InputShape}, "
                    + $"op {i - 1} ({ops[i - 1].Kind}) delivers {ops[i - 1].OutputShape}");
            }
        }
        return ops;
    }
}
