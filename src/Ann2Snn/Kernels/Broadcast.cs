namespace Ann2Snn.Kernels;

/// <summary>
/// NumPy broadcasting of one per-sample tensor onto a larger shape of the same rank, as an index map: for each element of
/// the target (row-major), the flat index of the source element it reads (axes where the source has 1 repeat it).
/// </summary>
public static class Broadcast
{
    /// <summary>
    /// The source index of each element of a tensor of <paramref name="to"/> dims read from one of <paramref name="from"/>.
    /// </summary>
    public static int[] Offsets(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        if (from.Length != to.Length) throw new ArgumentException($"ranks differ: {from.Length} and {to.Length}");
        int rank = to.Length, size = 1;
        var strides = new int[rank];
        for (int a = rank - 1, s = 1; a >= 0; a--)
        {
            if (from[a] != to[a] && from[a] != 1) throw new ArgumentException($"dim {from[a]} does not broadcast to {to[a]} at axis {a}");
            strides[a] = from[a] == 1 ? 0 : s;
            s *= from[a];
            size *= to[a];
        }
        var map = new int[size];
        var index = new int[rank];
        for (int i = 0, offset = 0; i < size; i++)
        {
            map[i] = offset;
            for (int a = rank - 1; a >= 0; a--)
            {
                offset += strides[a];
                if (++index[a] < to[a]) break;
                offset -= strides[a] * to[a];
                index[a] = 0;
            }
        }
        return map;
    }

    /// <summary>y[i] = a[mapA[i]] ∘ b[mapB[i]] for one sample, ∘ = + − · / by <paramref name="op"/> (0, 1, 2, 3).</summary>
    public static void Binary(int op, ReadOnlySpan<float> a, ReadOnlySpan<int> mapA, ReadOnlySpan<float> b, ReadOnlySpan<int> mapB,
        Span<float> y)
    {
        switch (op)
        {
            case 0:
                for (int i = 0; i < y.Length; i++) y[i] = a[mapA[i]] + b[mapB[i]];
                break;
            case 1:
                for (int i = 0; i < y.Length; i++) y[i] = a[mapA[i]] - b[mapB[i]];
                break;
            case 2:
                for (int i = 0; i < y.Length; i++) y[i] = a[mapA[i]] * b[mapB[i]];
                break;
            default:
                for (int i = 0; i < y.Length; i++) y[i] = a[mapA[i]] / b[mapB[i]];
                break;
        }
    }

    /// <summary>
    /// The gradients of <see cref="Binary"/> for one sample: da[mapA[i]] += ∂y/∂a · dy[i], db[mapB[i]] += ∂y/∂b · dy[i]
    /// (a broadcast operand sums the gradients of every element that read it).
    /// </summary>
    public static void BinaryBackward(int op, ReadOnlySpan<float> a, ReadOnlySpan<int> mapA, ReadOnlySpan<float> b,
        ReadOnlySpan<int> mapB, ReadOnlySpan<float> dy, Span<float> da, Span<float> db)
    {
        for (int i = 0; i < dy.Length; i++)
        {
            int ia = mapA[i], ib = mapB[i];
            float g = dy[i];
            switch (op)
            {
                case 0:
                    da[ia] += g;
                    db[ib] += g;
                    break;
                case 1:
                    da[ia] += g;
                    db[ib] -= g;
                    break;
                case 2:
                    da[ia] += g * b[ib];
                    db[ib] += g * a[ia];
                    break;
                default:
                    da[ia] += g / b[ib];
                    db[ib] -= g * a[ia] / (b[ib] * b[ib]);
                    break;
            }
        }
    }
}
