using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ann2Snn.Kernels;

/// <summary>
/// A permutation of the axes of a row-major tensor, planned once: y[j₀, …, j_{r−1}] = x[k] with
/// k[perm[i]] = jᵢ (output axis i is input axis perm[i], as in ONNX Transpose).
/// </summary>
/// <remarks>
/// The plan drops axes of size 1 and merges output axes that are also neighbours, in order, in the input, so
/// NCHW → NHWC of one sample ([C, H·W] → [H·W, C]) and its inverse become one 2-D transpose. It then copies whole
/// rows when the output's last axis is contiguous in the input too; otherwise it transposes between that axis and the
/// input's contiguous axis in <see cref="Tile"/>×<see cref="Tile"/> tiles, so that both the reads and the writes of a
/// tile stay within a few cache lines, once per combination of the remaining axes.
/// </remarks>
[SkipLocalsInit]
public sealed class Transpose
{
    /// <summary>Side of the square blocks of the 2-D transposes (16 floats: one 64-byte cache line).</summary>
    internal const int Tile = 16;

    private readonly int[] _dims;      // collapsed output dims
    private readonly int[] _strides;   // input stride of each collapsed output axis

    public Transpose(int[] dims, int[] permutation)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(permutation);
        int rank = dims.Length;
        if (permutation.Length != rank || permutation.Order().Where((a, i) => a != i).Any())
        {
            throw new ArgumentException($"transpose: ({string.Join(", ", permutation)}) is not a permutation of {rank} axes");
        }
        long size = 1;
        foreach (int d in dims)
        {
            if (d <= 0) throw new ArgumentException($"transpose: dims [{string.Join(", ", dims)}] must be positive");
            size *= d;
        }
        if (size > Array.MaxLength) throw new ArgumentException($"transpose: dims [{string.Join(", ", dims)}] are too large");
        Size = (int)size;
        var inputStride = new long[rank];
        for (long a = rank - 1, s = 1; a >= 0; a--)
        {
            inputStride[a] = s;
            s *= dims[a];
        }
        // Output axes in order, without size-1 axes; a run whose input axes follow each other merges into one.
        var collapsedDims = new List<int>();
        var collapsedStrides = new List<int>();
        int previous = -1;
        foreach (int a in permutation)
        {
            if (dims[a] == 1) continue;
            if (previous >= 0 && NextKeptAxis(dims, previous) == a)
            {
                collapsedDims[^1] *= dims[a];
                collapsedStrides[^1] = (int)inputStride[a];
            }
            else
            {
                collapsedDims.Add(dims[a]);
                collapsedStrides.Add((int)inputStride[a]);
            }
            previous = a;
        }
        _dims = [.. collapsedDims];
        _strides = [.. collapsedStrides];
    }

    /// <summary>Elements of the tensor.</summary>
    public int Size { get; }

    /// <summary>Axes left after dropping size-1 axes and merging neighbours (0 or 1: the permutation is a copy).</summary>
    public int CollapsedRank => _dims.Length;

    /// <summary>Writes the permuted <paramref name="x"/> into <paramref name="y"/> (both <see cref="Size"/> elements).</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != Size || y.Length != Size)
        {
            throw new ArgumentException($"transpose: got {x.Length} → {y.Length} values, expected {Size}");
        }
        int rank = _dims.Length;
        if (rank <= 1 || _strides[rank - 1] == 1)
        {
            CopyRows(x, y);
            return;
        }
        int inner = Array.IndexOf(_strides, 1); // the output axis that is contiguous in the input
        int rows = _dims[inner], columns = _dims[rank - 1], columnStride = _strides[rank - 1];
        int rowStride = 1;
        for (int a = inner + 1; a < rank; a++) rowStride *= _dims[a];
        // Odometer over the other axes, keeping the input and output offsets of the current block in step.
        Span<int> index = stackalloc int[rank];
        index.Clear();
        int outer = Size / (rows * columns);
        int inBase = 0, outBase = 0;
        for (int block = 0; block < outer; block++)
        {
            // Slicing to the exact extents checks the block's bounds once.
            Transpose2d(x.Slice(inBase, rows + ((columns - 1) * columnStride)), y.Slice(outBase, ((rows - 1) * rowStride) + columns),
                rows, columns, columnStride, rowStride);
            for (int a = rank - 2; a >= 0; a--)
            {
                if (a == inner) continue;
                int outStride = OutputStride(a);
                index[a]++;
                inBase += _strides[a];
                outBase += outStride;
                if (index[a] < _dims[a]) break;
                inBase -= _strides[a] * index[a];
                outBase -= outStride * index[a];
                index[a] = 0;
            }
        }
    }

    /// <summary>The output's last axis is contiguous in the input: copy runs of it.</summary>
    private void CopyRows(ReadOnlySpan<float> x, Span<float> y)
    {
        int rank = _dims.Length;
        if (rank <= 1)
        {
            x.CopyTo(y);
            return;
        }
        int run = _dims[rank - 1];
        Span<int> index = stackalloc int[rank];
        index.Clear();
        int inBase = 0;
        for (int outBase = 0; outBase < Size; outBase += run)
        {
            x.Slice(inBase, run).CopyTo(y.Slice(outBase, run));
            for (int a = rank - 2; a >= 0; a--)
            {
                index[a]++;
                inBase += _strides[a];
                if (index[a] < _dims[a]) break;
                inBase -= _strides[a] * index[a];
                index[a] = 0;
            }
        }
    }

    /// <summary>
    /// y[r·rowStride + c] = x[r + c·columnStride] for r &lt; rows, c &lt; columns, in square tiles: a tile reads
    /// <see cref="Tile"/> input runs and writes <see cref="Tile"/> output runs of <see cref="Tile"/> floats each.
    /// </summary>
    private static void Transpose2d(ReadOnlySpan<float> x, Span<float> y, int rows, int columns, int columnStride, int rowStride)
    {
        // The caller's slices are exactly the block's extents (x: rows + (columns − 1)·columnStride values, y:
        // (rows − 1)·rowStride + columns), so the inner loops index through refs without further checks.
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float target = ref MemoryMarshal.GetReference(y);
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(r0 + Tile, rows);
            for (int c0 = 0; c0 < columns; c0 += Tile)
            {
                int c1 = Math.Min(c0 + Tile, columns);
                for (int r = r0; r < r1; r++)
                {
                    ref float row = ref Unsafe.Add(ref target, (nint)r * rowStride);
                    ref float column = ref Unsafe.Add(ref source, r);
                    for (int c = c0; c < c1; c++) Unsafe.Add(ref row, c) = Unsafe.Add(ref column, (nint)c * columnStride);
                }
            }
        }
    }

    private int OutputStride(int axis)
    {
        int s = 1;
        for (int a = axis + 1; a < _dims.Length; a++) s *= _dims[a];
        return s;
    }

    /// <summary>The first axis after <paramref name="axis"/> whose size is not 1 (size-1 axes are invisible to merging).</summary>
    private static int NextKeptAxis(int[] dims, int axis)
    {
        int a = axis + 1;
        while (a < dims.Length && dims[a] == 1) a++;
        return a;
    }
}
