using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// Padding (and cropping) of a row-major tensor, planned once: axis a of size n becomes n + begin[a] + end[a].
/// Negative amounts crop first; each output index then reads the cropped input at i = o − max(begin, 0), mapped
/// into [0, m) by the mode when it falls outside (m the cropped size): −1 (the constant) for
/// <see cref="PadMode.Constant"/>, clamp(i, 0, m − 1) for <see cref="PadMode.Edge"/>, i mod m for
/// <see cref="PadMode.Wrap"/>, and for <see cref="PadMode.Reflect"/> the triangle wave of period 2(m − 1) (the mirror
/// image without the edge, repeated as NumPy's <c>np.pad</c> does for pads wider than the input).
/// </summary>
/// <remarks>
/// Each output row (the last axis) is a list of segments computed once: a run copied from consecutive input
/// elements, a run of the constant, or a single mirrored or repeated element.
/// </remarks>
public sealed class Pad
{
    private readonly int[] _outDims;
    private readonly int[][] _source;   // per axis except the last: input index of each output index (−1: constant)
    private readonly int[] _inStrides;
    private readonly (int Output, int Input, int Length)[] _segments; // of the last axis; Input −1: constant

    public Pad(int[] dims, int[] begin, int[] end, PadMode mode)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(end);
        int rank = dims.Length;
        if (rank == 0 || begin.Length != rank || end.Length != rank)
        {
            throw new ArgumentException($"pad: {begin.Length} and {end.Length} amounts for {rank} axes");
        }
        _outDims = new int[rank];
        _inStrides = new int[rank];
        var maps = new int[rank][];
        long inSize = 1, outSize = 1;
        for (int a = rank - 1; a >= 0; a--)
        {
            _inStrides[a] = (int)inSize;
            maps[a] = SourceIndices(dims[a], begin[a], end[a], mode);
            _outDims[a] = maps[a].Length;
            inSize *= dims[a];
            outSize *= maps[a].Length;
            if (inSize > Array.MaxLength || outSize > Array.MaxLength) throw new ArgumentException("pad: the tensor is too large");
        }
        InputSize = (int)inSize;
        OutputSize = (int)outSize;
        _source = maps[..^1];
        _segments = Segments(maps[^1]);
    }

    public int InputSize { get; }
    public int OutputSize { get; }

    /// <summary>
    /// Writes the padded <paramref name="x"/> into <paramref name="y"/>; <paramref name="value"/> fills constant padding.
    /// </summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y, float value)
    {
        if (x.Length != InputSize || y.Length != OutputSize)
        {
            throw new ArgumentException($"pad: got {x.Length} → {y.Length} values, expected {InputSize} → {OutputSize}");
        }
        int outer = _source.Length, run = _outDims[^1];
        Span<int> index = stackalloc int[Math.Max(outer, 1)];
        index.Clear();
        for (int row = 0; row * run < OutputSize; row++)
        {
            Span<float> target = y.Slice(row * run, run);
            // The input offset of this row, or −1 when some outer index lies in constant padding.
            int offset = 0;
            for (int a = 0; a < outer && offset >= 0; a++)
            {
                int s = _source[a][index[a]];
                offset = s < 0 ? -1 : offset + s * _inStrides[a];
            }
            if (offset < 0)
            {
                target.Fill(value);
            }
            else
            {
                foreach (var (o, i, length) in _segments)
                {
                    if (i < 0) target.Slice(o, length).Fill(value);
                    else x.Slice(offset + i, length).CopyTo(target.Slice(o, length));
                }
            }
            for (int a = outer - 1; a >= 0; a--)
            {
                if (++index[a] < _outDims[a]) break;
                index[a] = 0;
            }
        }
    }

    /// <summary>The input index each output index of one axis reads, −1 for the constant.</summary>
    internal static int[] SourceIndices(int size, int begin, int end, PadMode mode)
    {
        int start = Math.Max(0, -begin), kept = size - start - Math.Max(0, -end);
        int before = Math.Max(begin, 0), length = kept + before + Math.Max(end, 0);
        if (size <= 0 || kept <= 0 || length <= 0)
        {
            throw new ArgumentException($"pad: amounts {begin}, {end} leave nothing of an axis of {size}");
        }
        var map = new int[length];
        for (int o = 0; o < length; o++)
        {
            int i = o - before;
            if ((uint)i >= (uint)kept)
            {
                i = mode switch
                {
                    PadMode.Constant => -1 - start,
                    PadMode.Edge => Math.Clamp(i, 0, kept - 1),
                    PadMode.Wrap => Modulo(i, kept),
                    PadMode.Reflect when kept == 1 => 0,
                    PadMode.Reflect => Reflected(i, kept),
                    _ => throw new ArgumentException($"pad: unknown mode {mode}"),
                };
            }
            map[o] = start + i;
        }
        return map;

        static int Reflected(int i, int n)
        {
            int t = Modulo(i, 2 * (n - 1));
            return t < n ? t : 2 * (n - 1) - t;
        }
    }

    private static int Modulo(int i, int n) => ((i % n) + n) % n;

    /// <summary>Cuts a row's index map into runs of consecutive input indices and runs of the constant.</summary>
    private static (int, int, int)[] Segments(int[] map)
    {
        var segments = new List<(int, int, int)>();
        int o = 0;
        while (o < map.Length)
        {
            int length = 1;
            if (map[o] < 0)
            {
                while (o + length < map.Length && map[o + length] < 0) length++;
                segments.Add((o, -1, length));
            }
            else
            {
                while (o + length < map.Length && map[o + length] == map[o] + length) length++;
                segments.Add((o, map[o], length));
            }
            o += length;
        }
        return [.. segments];
    }
}
