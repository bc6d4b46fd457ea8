using System.Buffers;
using System.Numerics.Tensors;
using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// Softmax, argmax and reductions along a run of axes of one sample laid out as [outer, length, inner]
/// (<see cref="AxisBlock"/>). With inner = 1 each slice is a contiguous row; otherwise the rows of one outer block
/// (length rows of inner elements) are combined row by row, so the work stays vectorized along inner.
/// </summary>
public static class AxisKernels
{
    /// <summary>
    /// Softmax, y = exp(x − m) / Σ exp(x − m), or log-softmax, y = x − m − log Σ exp(x − m), of each slice, where m is the
    /// slice's maximum. <paramref name="y"/> has the length of <paramref name="x"/>.
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> x, AxisBlock block, bool log, Span<float> y)
    {
        Check(x, block, y, block.Outer * block.Length * block.Inner, "softmax");
        int length = block.Length, inner = block.Inner;
        int stride = length * inner;
        if (inner == 1)
        {
            for (int o = 0; o < block.Outer; o++)
            {
                if (log) Elementwise.LogSoftmax(x.Slice(o * stride, stride), y.Slice(o * stride, stride));
                else Elementwise.Softmax(x.Slice(o * stride, stride), y.Slice(o * stride, stride));
            }
            return;
        }
        float[] rented = ArrayPool<float>.Shared.Rent(2 * inner);
        try
        {
            Span<float> max = rented.AsSpan(0, inner), sum = rented.AsSpan(inner, inner);
            for (int o = 0; o < block.Outer; o++)
            {
                ReadOnlySpan<float> xs = x.Slice(o * stride, stride);
                Span<float> ys = y.Slice(o * stride, stride);
                xs[..inner].CopyTo(max);
                for (int j = 1; j < length; j++) TensorPrimitives.Max(max, xs.Slice(j * inner, inner), max);
                sum.Clear();
                for (int j = 0; j < length; j++)
                {
                    Span<float> row = ys.Slice(j * inner, inner);
                    TensorPrimitives.Subtract(xs.Slice(j * inner, inner), max, row);
                    TensorPrimitives.Exp(row, row);
                    TensorPrimitives.Add(sum, row, sum);
                }
                if (log)
                {
                    // y = x − (m + log Σ): the offset once per column, then one subtraction per row.
                    TensorPrimitives.Log(sum, sum);
                    TensorPrimitives.Add(sum, max, sum);
                    for (int j = 0; j < length; j++) TensorPrimitives.Subtract(xs.Slice(j * inner, inner), sum, ys.Slice(j * inner, inner));
                }
                else
                {
                    for (int j = 0; j < length; j++) TensorPrimitives.Divide(ys.Slice(j * inner, inner), sum, ys.Slice(j * inner, inner));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// y[o, i] = the index j of the largest x[o, j, i], as a float: the first such index, or the last when
    /// <paramref name="last"/>; a NaN counts as the largest (the first NaN wins, as in NumPy).
    /// </summary>
    public static void ArgMax(ReadOnlySpan<float> x, AxisBlock block, bool last, Span<float> y)
    {
        Check(x, block, y, block.Outer * block.Inner, "argmax");
        int length = block.Length, inner = block.Inner;
        for (int o = 0; o < block.Outer; o++)
        {
            ReadOnlySpan<float> xs = x.Slice(o * length * inner, length * inner);
            for (int i = 0; i < inner; i++)
            {
                if (inner == 1 && !last)
                {
                    y[o] = TensorPrimitives.IndexOfMax(xs);
                    continue;
                }
                int best = 0;
                float value = xs[i];
                for (int j = 1; j < length && !float.IsNaN(value); j++)
                {
                    float v = xs[j * inner + i];
                    if (float.IsNaN(v) || v > value || (last && v == value))
                    {
                        best = j;
                        value = v;
                    }
                }
                y[o * inner + i] = best;
            }
        }
    }

    /// <summary>y[o, i] = Σ_j x[o, j, i].</summary>
    public static void Sum(ReadOnlySpan<float> x, AxisBlock block, Span<float> y) => Combine(x, block, y, Kind.Sum);

    /// <summary>y[o, i] = Π_j x[o, j, i].</summary>
    public static void Product(ReadOnlySpan<float> x, AxisBlock block, Span<float> y) => Combine(x, block, y, Kind.Product);

    /// <summary>y[o, i] = Σ_j x[o, j, i]².</summary>
    public static void SumOfSquares(ReadOnlySpan<float> x, AxisBlock block, Span<float> y) => Combine(x, block, y, Kind.SumOfSquares);

    private enum Kind
    {
        Sum,
        Product,
        SumOfSquares,
    }

    private static void Combine(ReadOnlySpan<float> x, AxisBlock block, Span<float> y, Kind kind)
    {
        Check(x, block, y, block.Outer * block.Inner, "reduction");
        int length = block.Length, inner = block.Inner;
        for (int o = 0; o < block.Outer; o++)
        {
            ReadOnlySpan<float> xs = x.Slice(o * length * inner, length * inner);
            if (inner == 1)
            {
                y[o] = kind switch
                {
                    Kind.Sum => TensorPrimitives.Sum(xs),
                    Kind.Product => TensorPrimitives.Product(xs),
                    _ => TensorPrimitives.SumOfSquares(xs),
                };
                continue;
            }
            Span<float> ys = y.Slice(o * inner, inner);
            if (kind == Kind.SumOfSquares) TensorPrimitives.Multiply(xs[..inner], xs[..inner], ys);
            else xs[..inner].CopyTo(ys);
            for (int j = 1; j < length; j++)
            {
                ReadOnlySpan<float> row = xs.Slice(j * inner, inner);
                switch (kind)
                {
                    case Kind.Sum:
                        TensorPrimitives.Add(ys, row, ys);
                        break;
                    case Kind.Product:
                        TensorPrimitives.Multiply(ys, row, ys);
                        break;
                    default:
                        TensorPrimitives.MultiplyAdd(row, row, ys, ys);
                        break;
                }
            }
        }
    }

    private static void Check(ReadOnlySpan<float> x, AxisBlock block, Span<float> y, long outputs, string what)
    {
        long inputs = (long)block.Outer * block.Length * block.Inner;
        if (block.Outer <= 0 || block.Length <= 0 || block.Inner <= 0 || x.Length != inputs || y.Length != outputs)
        {
            throw new ArgumentException($"{what}: {x.Length} inputs and {y.Length} outputs do not fit {block}");
        }
    }
}
