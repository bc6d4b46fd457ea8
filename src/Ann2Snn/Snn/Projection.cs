using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// Incoming synapses of a population: a chain of linear ops from one source (−1 = the encoded input), whose spikes of step
/// t arrive at step t + <see cref="Delay"/> (a conduction delay in steps; 0: the same step).
/// </summary>
public sealed record Projection(int Source, IReadOnlyList<SynapticOp> Ops)
{
    private readonly int _delay;

    /// <summary>At least one op, each taking the shape the previous one delivers.</summary>
    public IReadOnlyList<SynapticOp> Ops { get; init; } = CheckChain(Source, Ops);

    /// <summary>
    /// Steps between a source spike and its arrival: 0 for a feed-forward projection; at least 1 on a recurrent edge (a
    /// source that does not come before its target), so that every cycle holds a delay.
    /// </summary>
    public int Delay
    {
        get => _delay;
        init => _delay = value is >= 0 and <= MaxDelay
            ? value
            : throw new InvalidModelException($"projection from {Source}: delay {value} is outside 0…{MaxDelay} steps");
    }

    /// <summary>The longest delay a projection may have (a ring buffer of that many spike vectors per projection).</summary>
    public const int MaxDelay = 1 << 16;

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
