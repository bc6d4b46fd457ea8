using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// Pads (or, with negative amounts, crops) each axis of the per-sample tensor: axis a of size n becomes
/// n + Begin[a] + End[a]. Negative amounts crop first; the remaining positive ones are then filled by
/// <see cref="Mode"/> from the cropped tensor (ONNX Pad and NumPy <c>np.pad</c>): <see cref="Value"/> for
/// <see cref="PadMode.Constant"/>, mirrored, edge or periodic copies of the input otherwise.
/// </summary>
public sealed class PadNode : Node
{
    public PadNode(string name, Node input, PadMode mode, int[] begin, int[] end, float value = 0f) : base(name, [input])
    {
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(end);
        Shape x = Single(name, "Pad", Inputs);
        string text = $"pads begin ({string.Join(", ", begin)}) end ({string.Join(", ", end)})";
        if (begin.Length != x.Rank || end.Length != x.Rank)
        {
            throw new InvalidModelException($"node '{name}' (Pad): {text} do not match the {x.Rank} axes of {x}");
        }
        if (!Enum.IsDefined(mode)) throw new InvalidModelException($"node '{name}' (Pad): unknown mode {(int)mode}");
        if (!float.IsFinite(value)) throw new InvalidModelException($"node '{name}' (Pad): the constant value {value} must be finite");
        var dims = new int[x.Rank];
        for (int a = 0; a < x.Rank; a++)
        {
            long kept = (long)x[a] + Math.Min(begin[a], 0) + Math.Min(end[a], 0);
            long size = (long)x[a] + begin[a] + end[a];
            if (kept <= 0 || size <= 0 || size > int.MaxValue)
            {
                throw new InvalidModelException($"node '{name}' (Pad): {text} leave axis {a} of {x} with "
                    + $"{Math.Max(kept, 0)} input and {size} output elements; both must be positive");
            }
            dims[a] = (int)size;
        }
        Mode = mode;
        Begin = (int[])begin.Clone();
        End = (int[])end.Clone();
        Value = value;
        OutputShape = new Shape(dims);
    }

    public PadMode Mode { get; }

    /// <summary>Elements added before the start of each axis (negative: removed).</summary>
    public IReadOnlyList<int> Begin { get; }

    /// <summary>Elements added after the end of each axis (negative: removed).</summary>
    public IReadOnlyList<int> End { get; }

    /// <summary>The fill value of <see cref="PadMode.Constant"/> padding.</summary>
    public float Value { get; }

    /// <summary>Zero constant padding that only adds elements: a linear map with no input into the new elements.</summary>
    public bool IsZeroPadding => Mode == PadMode.Constant && Value == 0f && Begin.All(p => p >= 0) && End.All(p => p >= 0);

    /// <summary>Whether some amount is negative (the node crops).</summary>
    public bool Crops => Begin.Any(p => p < 0) || End.Any(p => p < 0);

    public override Shape OutputShape { get; }
    public override string Op => "Pad";

    public override string Describe() =>
        $"{Mode.ToString().ToLowerInvariant()} begin=({string.Join(",", Begin)}) end=({string.Join(",", End)})"
        + (Mode == PadMode.Constant && Value != 0 ? $" value={Value:g4}" : "");
}
