using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ann2Snn.Kernels;

/// <summary>
/// Event-driven synaptic propagation: the current of a target population is built from the list of source neurons
/// that spiked, each adding its row of outgoing weights, so the cost is proportional to the synaptic events rather
/// than to the size of the weight matrix. Adds are plain (never fused) and per element in the order of the active
/// list, so the result does not depend on the vector width.
/// </summary>
[SkipLocalsInit]
public static class SpikeScatter
{
    /// <summary>
    /// Writes the positions of the non-zero elements of <paramref name="spikes"/> to <paramref name="indices"/> in ascending
    /// order; returns how many.
    /// </summary>
    public static int CollectActive(ReadOnlySpan<float> spikes, Span<int> indices)
    {
        if (indices.Length < spikes.Length) throw new ArgumentException($"active list holds {indices.Length} indices, "
            + $"fewer than the {spikes.Length} neurons");
        int n = spikes.Length, i = 0, count = 0;
        if (n == 0) return 0;
        ref float s = ref MemoryMarshal.GetReference(spikes);
        ref int dst = ref MemoryMarshal.GetReference(indices);
        // One mask bit per lane that is not ±0 (NaN counts as a spike, as in a `!= 0` test); bits are emitted low to high.
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                ulong mask = ~Vector512.Equals(Vector512.LoadUnsafe(ref s, (nuint)i), Vector512<float>.Zero).ExtractMostSignificantBits()
                    & 0xFFFFUL;
                for (; mask != 0; mask &= mask - 1) Unsafe.Add(ref dst, count++) = i + BitOperations.TrailingZeroCount(mask);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                uint mask = ~Vector256.Equals(Vector256.LoadUnsafe(ref s, (nuint)i), Vector256<float>.Zero).ExtractMostSignificantBits()
                    & 0xFFU;
                for (; mask != 0; mask &= mask - 1) Unsafe.Add(ref dst, count++) = i + BitOperations.TrailingZeroCount(mask);
            }
        }
        for (; i < n; i++)
        {
            if (Unsafe.Add(ref s, i) != 0f) Unsafe.Add(ref dst, count++) = i;
        }
        return count;
    }

    /// <summary>
    /// Signed spikes: writes the positions of the positive elements of <paramref name="spikes"/> to <paramref name="up"/>
    /// and of the negative ones to <paramref name="down"/>, each in ascending order; returns both counts.
    /// </summary>
    public static (int Up, int Down) CollectSigned(ReadOnlySpan<float> spikes, Span<int> up, Span<int> down)
    {
        if (up.Length < spikes.Length || down.Length < spikes.Length) throw new ArgumentException($"active lists hold {up.Length} "
            + $"and {down.Length} indices, fewer than the {spikes.Length} neurons");
        int n = spikes.Length, i = 0, nUp = 0, nDown = 0;
        if (n == 0) return (0, 0);
        ref float s = ref MemoryMarshal.GetReference(spikes);
        ref int u = ref MemoryMarshal.GetReference(up);
        ref int d = ref MemoryMarshal.GetReference(down);
        // Most lanes are 0: skip 16 at a time, and emit the set bits of the two sign masks low to high.
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref s, (nuint)i);
                ulong pos = Vector512.GreaterThan(v, Vector512<float>.Zero).ExtractMostSignificantBits();
                ulong neg = Vector512.LessThan(v, Vector512<float>.Zero).ExtractMostSignificantBits();
                for (; pos != 0; pos &= pos - 1) Unsafe.Add(ref u, nUp++) = i + BitOperations.TrailingZeroCount(pos);
                for (; neg != 0; neg &= neg - 1) Unsafe.Add(ref d, nDown++) = i + BitOperations.TrailingZeroCount(neg);
            }
        }
        for (; i < n; i++)
        {
            float x = Unsafe.Add(ref s, i);
            if (x > 0f) Unsafe.Add(ref u, nUp++) = i;
            else if (x < 0f) Unsafe.Add(ref d, nDown++) = i;
        }
        return (nUp, nDown);
    }

    /// <summary>
    /// target += table[r, :] for every r in <paramref name="active"/>, in list order; <paramref name="table"/> is
    /// [rows × target.Length] row-major (the synaptic matrix transposed: one contiguous row per source neuron).
    /// </summary>
    public static void AddRows(ReadOnlySpan<float> table, ReadOnlySpan<int> active, Span<float> target) =>
        Rows<Plus>(table, [], active, target);

    /// <summary>
    /// target −= table[r, :] for every r in <paramref name="active"/> (the −1 spikes of signed neurons); as
    /// <see cref="AddRows(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float})"/> otherwise.
    /// </summary>
    public static void SubRows(ReadOnlySpan<float> table, ReadOnlySpan<int> active, Span<float> target) =>
        Rows<Minus>(table, [], active, target);

    /// <summary>
    /// target += table[rowOf[a], :] for every a in <paramref name="active"/>, in list order: rows shared by several
    /// sources (<paramref name="rowOf"/> maps each source to its row; empty maps source a to row a).
    /// </summary>
    public static void AddRows(ReadOnlySpan<float> table, ReadOnlySpan<int> rowOf, ReadOnlySpan<int> active, Span<float> target) =>
        Rows<Plus>(table, rowOf, active, target);

    /// <summary>
    /// target −= table[rowOf[a], :] for every a in <paramref name="active"/>; as the shared-row
    /// <see cref="AddRows(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{int}, Span{float})"/> otherwise.
    /// </summary>
    public static void SubRows(ReadOnlySpan<float> table, ReadOnlySpan<int> rowOf, ReadOnlySpan<int> active, Span<float> target) =>
        Rows<Minus>(table, rowOf, active, target);

    private static void Rows<TOp>(ReadOnlySpan<float> table, ReadOnlySpan<int> rowOf, ReadOnlySpan<int> active, Span<float> target)
        where TOp : struct, IAccumulate
    {
        int width = target.Length;
        if (width == 0 || active.IsEmpty) return;
        if (table.Length % width != 0) throw new ArgumentException($"table of {table.Length} weights "
            + $"is not a whole number of rows of {width}");
        uint rows = (uint)(table.Length / width);
        ref float w = ref MemoryMarshal.GetReference(table);
        ref float y = ref MemoryMarshal.GetReference(target);
        int k = 0;
        // Four rows per pass over the target: y = (((y + r0) + r1) + r2) + r3 per element, the same rounding as four
        // passes, with a quarter of the loads and stores of y.
        for (; k <= active.Length - 4; k += 4)
        {
            int r0 = Row(active[k], rowOf, rows), r1 = Row(active[k + 1], rowOf, rows),
                r2 = Row(active[k + 2], rowOf, rows), r3 = Row(active[k + 3], rowOf, rows);
            Add4<TOp>(ref y, ref Unsafe.Add(ref w, (nint)r0 * width), ref Unsafe.Add(ref w, (nint)r1 * width),
                ref Unsafe.Add(ref w, (nint)r2 * width), ref Unsafe.Add(ref w, (nint)r3 * width), width);
        }
        for (; k < active.Length; k++) Accumulate<TOp>(ref y, ref Unsafe.Add(ref w, (nint)Row(active[k], rowOf, rows) * width), width);
    }

    /// <summary>The table row of source <paramref name="index"/>: itself, or its entry in <paramref name="rowOf"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row(int index, ReadOnlySpan<int> rowOf, uint rows)
    {
        if (rowOf.IsEmpty) return Row(index, rows);
        if ((uint)index >= (uint)rowOf.Length) throw new ArgumentOutOfRangeException(nameof(index),
            $"active neuron {index} is outside 0..{rowOf.Length - 1}");
        return Row(rowOf[index], rows);
    }

    /// <summary>
    /// Sparse rows (CSR): for every r in <paramref name="active"/>, target[columns[e]] += weights[e] for e in
    /// [offsets[r], offsets[r + 1]).
    /// </summary>
    public static void AddSparse(ReadOnlySpan<int> offsets, ReadOnlySpan<int> columns, ReadOnlySpan<float> weights,
        ReadOnlySpan<int> active, Span<float> target) =>
        Sparse<Plus>(offsets, columns, weights, active, target);

    /// <summary>Sparse rows (CSR) of −1 spikes: target[columns[e]] −= weights[e]; as <see cref="AddSparse"/> otherwise.</summary>
    public static void SubSparse(ReadOnlySpan<int> offsets, ReadOnlySpan<int> columns, ReadOnlySpan<float> weights,
        ReadOnlySpan<int> active, Span<float> target) =>
        Sparse<Minus>(offsets, columns, weights, active, target);

    private static void Sparse<TOp>(ReadOnlySpan<int> offsets, ReadOnlySpan<int> columns, ReadOnlySpan<float> weights,
        ReadOnlySpan<int> active, Span<float> target)
        where TOp : struct, IAccumulate
    {
        if (columns.Length != weights.Length || offsets.IsEmpty || offsets[^1] != columns.Length)
        {
            throw new ArgumentException($"sparse rows: {offsets.Length} offsets, {columns.Length} columns and {weights.Length} weights "
                + "do not match");
        }
        uint rows = (uint)offsets.Length - 1;
        foreach (int a in active)
        {
            int r = Row(a, rows);
            for (int e = offsets[r]; e < offsets[r + 1]; e++) target[columns[e]] = TOp.Apply(target[columns[e]], weights[e]);
        }
    }

    /// <summary>
    /// The window (output position along one axis) whose tap <paramref name="k"/> lands on input position
    /// <paramref name="position"/>: o·stride − pad + k·dilation = position, or −1 when there is none inside [0, outSize).
    /// </summary>
    public static int WindowAt(int position, int k, int stride, int pad, int dilation, int outSize)
    {
        int num = position + pad - k * dilation;
        if (num < 0 || num % stride != 0) return -1;
        int o = num / stride;
        return o < outSize ? o : -1;
    }

    private static int Row(int index, uint rows) =>
        (uint)index < rows
            ? index
            : throw new ArgumentOutOfRangeException(nameof(index), $"active neuron {index} is outside 0..{rows - 1}");

    /// <summary>
    /// y[0..count) ← y ∘ x per element, ∘ = + or − by <typeparamref name="TOp"/>: <see cref="Vector512{T}"/> lanes, then
    /// <see cref="Vector256{T}"/>, then scalars.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Accumulate<TOp>(ref float y, ref float x, int count)
        where TOp : struct, IAccumulate
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Four vectors per pass (a kernel row of 3 taps × 64 channels is 12), then one at a time.
            for (; i <= count - 4 * Vector512<float>.Count; i += 4 * Vector512<float>.Count)
            {
                nuint a = (nuint)i, b = a + 16, c = a + 32, d = a + 48;
                Vector512<float> ya = TOp.Apply(Vector512.LoadUnsafe(ref y, a), Vector512.LoadUnsafe(ref x, a));
                Vector512<float> yb = TOp.Apply(Vector512.LoadUnsafe(ref y, b), Vector512.LoadUnsafe(ref x, b));
                Vector512<float> yc = TOp.Apply(Vector512.LoadUnsafe(ref y, c), Vector512.LoadUnsafe(ref x, c));
                Vector512<float> yd = TOp.Apply(Vector512.LoadUnsafe(ref y, d), Vector512.LoadUnsafe(ref x, d));
                ya.StoreUnsafe(ref y, a);
                yb.StoreUnsafe(ref y, b);
                yc.StoreUnsafe(ref y, c);
                yd.StoreUnsafe(ref y, d);
            }
            for (; i <= count - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Apply(Vector512.LoadUnsafe(ref y, (nuint)i), Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref y, (nuint)i), Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < count; i++) Unsafe.Add(ref y, i) = TOp.Apply(Unsafe.Add(ref y, i), Unsafe.Add(ref x, i));
    }

    private static void Add4<TOp>(ref float y, ref float a, ref float b, ref float c, ref float d, int count)
        where TOp : struct, IAccumulate
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                nuint at = (nuint)i;
                Vector512<float> v = TOp.Apply(Vector512.LoadUnsafe(ref y, at), Vector512.LoadUnsafe(ref a, at));
                v = TOp.Apply(v, Vector512.LoadUnsafe(ref b, at));
                v = TOp.Apply(v, Vector512.LoadUnsafe(ref c, at));
                v = TOp.Apply(v, Vector512.LoadUnsafe(ref d, at));
                v.StoreUnsafe(ref y, at);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                nuint at = (nuint)i;
                Vector256<float> v = TOp.Apply(Vector256.LoadUnsafe(ref y, at), Vector256.LoadUnsafe(ref a, at));
                v = TOp.Apply(v, Vector256.LoadUnsafe(ref b, at));
                v = TOp.Apply(v, Vector256.LoadUnsafe(ref c, at));
                v = TOp.Apply(v, Vector256.LoadUnsafe(ref d, at));
                v.StoreUnsafe(ref y, at);
            }
        }
        for (; i < count; i++)
        {
            float v = TOp.Apply(Unsafe.Add(ref y, i), Unsafe.Add(ref a, i));
            v = TOp.Apply(v, Unsafe.Add(ref b, i));
            v = TOp.Apply(v, Unsafe.Add(ref c, i));
            v = TOp.Apply(v, Unsafe.Add(ref d, i));
            Unsafe.Add(ref y, i) = v;
        }
    }
}
