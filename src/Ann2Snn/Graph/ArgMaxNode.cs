using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// The index of the largest element along one per-sample <see cref="Axis"/>, as a float (ONNX's int64 indices; exact up
/// to 2^24). Ties go to the first index, or the last with <see cref="SelectLastIndex"/>; a NaN counts as the largest
/// (the first NaN wins, as in NumPy). <see cref="KeepDims"/> leaves the axis with size 1, otherwise it is removed;
/// a sample reduced to a scalar is shape [1] (the batch axis is implicit, so a per-sample scalar has one element).
/// </summary>
public sealed class ArgMaxNode : Node
{
    public ArgMaxNode(string name, Node input, int axis, bool keepDims, bool selectLastIndex = false) : base(name, [input])
    {
        Shape x = Single(name, "ArgMax", Inputs);
        if (axis < 0 || axis >= x.Rank)
        {
            throw new InvalidModelException($"node '{name}' (ArgMax): axis {axis} does not fit input shape {x}");
        }
        Axis = axis;
        KeepDims = keepDims;
        SelectLastIndex = selectLastIndex;
        Block = AxisBlock.Of(x, axis, axis);
        int[] dims = x.ToArray();
        dims[axis] = 1;
        OutputShape = new Shape(keepDims || dims.Length == 1 ? dims : [.. dims.Where((_, i) => i != axis)]);
    }

    /// <summary>The per-sample axis searched (0 is the first axis after the batch).</summary>
    public int Axis { get; }
    public bool KeepDims { get; }
    public bool SelectLastIndex { get; }

    /// <summary>The input as [outer, length, inner] around <see cref="Axis"/>.</summary>
    public AxisBlock Block { get; }

    /// <summary>Whether the search spans the whole sample (every other dim is 1): the output is then the sample's class.</summary>
    public bool CoversSample => Block.IsWhole;

    public override Shape OutputShape { get; }
    public override string Op => "ArgMax";
    public override string Describe() => $"axis {Axis}" + (KeepDims ? " keepdims" : "") + (SelectLastIndex ? " last" : "");
}
