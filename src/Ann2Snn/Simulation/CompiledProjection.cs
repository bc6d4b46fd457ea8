using System.Numerics.Tensors;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>A projection's chain, compiled.</summary>
internal sealed class CompiledProjection(Projection p)
{
    public int Source { get; } = p.Source;

    /// <summary>Steps between a source spike and its arrival (<see cref="Projection.Delay"/>).</summary>
    public int Delay { get; } = p.Delay;

    /// <summary>A delayed projection's ring buffer among the plan's (<see cref="SimulationPlan.Delayed"/>); −1 when not delayed.</summary>
    public int Ring { get; init; } = -1;
    public CompiledOp[] Ops { get; } = p.Ops.Select(CompiledOp.Compile).ToArray();
    public int MaxSize { get; } = p.Ops.Max(o => Math.Max(o.InputShape.Size, o.OutputShape.Size));

    /// <summary>target[n × out] += chain(x[n × in]), using two scratch buffers of at least n × <see cref="MaxSize"/>.</summary>
    public void AddTo(ReadOnlySpan<float> x, int n, Span<float> target, Span<float> scratchA, Span<float> scratchB)
    {
        ReadOnlySpan<float> current = x;
        bool useA = true;
        foreach (CompiledOp op in Ops)
        {
            if (op.IsView) continue;
            Span<float> y = (useA ? scratchA : scratchB)[..(n * op.OutSize)];
            op.Apply(current, n, y);
            current = y;
            useA = !useA;
        }
        int size = Ops[^1].OutSize * n;
        TensorPrimitives.Add(target[..size], current[..size], target[..size]);
    }
}
