using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// Copies elements of each sample by a fixed index map, y[i] = x[Map[i]]: the per-sample form of Slice, Gather and Expand
/// (with constant indices, steps and shapes) on a runtime tensor. <see cref="Op"/> names the ONNX op it came from.
/// </summary>
public sealed class GatherNode : Node
{
    private readonly int[] _map;

    public GatherNode(string name, Node input, int[] map, Shape shape, string op) : base(name, [input])
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentException.ThrowIfNullOrEmpty(op);
        Shape x = Single(name, op, Inputs);
        if (map.Length != shape.Size)
        {
            throw new InvalidModelException($"node '{name}' ({op}): {map.Length} indices for an output {shape} of {shape.Size} elements");
        }
        int bad = Array.FindIndex(map, i => i < 0 || i >= x.Size);
        if (bad >= 0) throw new InvalidModelException($"node '{name}' ({op}): index {map[bad]} is outside the input {x}");
        _map = (int[])map.Clone();
        OutputShape = shape;
        Op = op;
    }

    /// <summary>For each output element (row-major), the input element it copies.</summary>
    public ReadOnlySpan<int> Map => _map;

    /// <summary>Whether every element is copied in order (a reshape, e.g. an index of an axis of size 1).</summary>
    public bool KeepsOrder
    {
        get
        {
            if (_map.Length != Inputs[0].OutputShape.Size) return false;
            for (int i = 0; i < _map.Length; i++)
            {
                if (_map[i] != i) return false;
            }
            return true;
        }
    }

    public override Shape OutputShape { get; }
    public override string Op { get; }
}
