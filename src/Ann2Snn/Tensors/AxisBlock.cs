namespace Ann2Snn.Tensors;

/// <summary>
/// A per-sample tensor seen as <c>[Outer, Length, Inner]</c> around a run of axes <c>first..last</c>: Outer is the product
/// of the dims before the run, Length of the dims in it, Inner of the dims after it. A softmax, argmax or reduction
/// over that run works on Outer·Inner independent slices of Length elements, each strided by Inner.
/// </summary>
public readonly record struct AxisBlock(int Outer, int Length, int Inner)
{
    /// <summary>The block of <paramref name="shape"/> around axes <paramref name="first"/>..<paramref name="last"/> (inclusive).</summary>
    public static AxisBlock Of(Shape shape, int first, int last)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (first < 0 || last < first || last >= shape.Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"axes {first}..{last} do not fit shape {shape}");
        }
        int outer = 1, length = 1, inner = 1;
        for (int a = 0; a < shape.Rank; a++)
        {
            if (a < first) outer *= shape[a];
            else if (a <= last) length *= shape[a];
            else inner *= shape[a];
        }
        return new AxisBlock(outer, length, inner);
    }

    /// <summary>Whether the run spans the whole sample: every dim outside it is 1, so there is one slice.</summary>
    public bool IsWhole => Outer == 1 && Inner == 1;
}
