using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// A reduction (<see cref="ReduceKind"/>) over a set of per-sample <see cref="Axes"/>. <see cref="KeepDims"/> leaves
/// each reduced axis with size 1, otherwise they are removed (a sample reduced to a scalar is shape [1]). With no axes it
/// is element-wise: the sum, mean or product of one element is the element, its sum of squares its square.
/// A mean over the spatial axes of [C, H, W] is imported as <see cref="GlobalAvgPoolNode"/> instead, which converts.
/// </summary>
public sealed class ReduceNode : Node
{
    public ReduceNode(string name, Node input, ReduceKind kind, IReadOnlyList<int> axes, bool keepDims) : base(name, [input])
    {
        ArgumentNullException.ThrowIfNull(axes);
        string op = "Reduce" + kind;
        if (!Enum.IsDefined(kind)) throw new InvalidModelException($"node '{name}': unknown reduction kind {(int)kind}");
        Shape x = Single(name, op, Inputs);
        int[] sorted = [.. axes.Order()];
        if (sorted.Any(a => a < 0 || a >= x.Rank) || sorted.Distinct().Count() != sorted.Length)
        {
            throw new InvalidModelException($"node '{name}' ({op}): axes [{string.Join(", ", axes)}] are not distinct axes "
                + $"of input shape {x}");
        }
        Kind = kind;
        Axes = sorted;
        KeepDims = keepDims;
        int[] dims = x.ToArray();
        foreach (int a in sorted) dims[a] = 1;
        int[] kept = [.. dims.Where((_, i) => !sorted.Contains(i))];
        OutputShape = new Shape(keepDims ? dims : kept.Length > 0 ? kept : [1]);
        Count = x.Size / dims.Aggregate(1, (p, d) => p * d);
    }

    public ReduceKind Kind { get; }

    /// <summary>The reduced per-sample axes, ascending (0 is the first axis after the batch).</summary>
    public IReadOnlyList<int> Axes { get; }
    public bool KeepDims { get; }

    /// <summary>How many input elements each output element reduces (1 with no axes).</summary>
    public int Count { get; }

    public override Shape OutputShape { get; }
    public override string Op => "Reduce" + Kind;
    public override string Describe() => $"axes [{string.Join(", ", Axes)}]" + (KeepDims ? " keepdims" : "");
}
