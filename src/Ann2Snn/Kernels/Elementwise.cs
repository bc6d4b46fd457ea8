using System.Numerics.Tensors;
using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>Element-wise kernels over per-sample tensors, built on <see cref="TensorPrimitives"/>.</summary>
public static class Elementwise
{
    /// <summary>y = max(x, 0).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary>y = min(max(x, min), max): with min &gt; max that is max everywhere (as ONNX defines Clip).</summary>
    public static void Clip(ReadOnlySpan<float> x, float min, float max, Span<float> y)
    {
        if (min <= max)
        {
            TensorPrimitives.Clamp(x, min, max, y);
            return;
        }
        TensorPrimitives.Max(x, min, y);
        TensorPrimitives.Min(y, max, y);
    }

    /// <summary>y = a + b.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Add(a, b, y);

    /// <summary>
    /// Per-channel affine map of one sample laid out as channels × <paramref name="plane"/>:
    /// y[c, i] = x[c, i]·multiplier[c] + offset[c] (inference batch normalization).
    /// </summary>
    public static void ChannelAffine(ReadOnlySpan<float> x, int plane, ReadOnlySpan<float> multiplier, ReadOnlySpan<float> offset,
        Span<float> y)
    {
        int channels = multiplier.Length;
        if (offset.Length != channels || x.Length != channels * plane || y.Length != x.Length)
        {
            throw new ArgumentException($"channel affine: {x.Length} inputs, {y.Length} outputs, {channels} multipliers "
                + $"and {offset.Length} offsets do not fit {channels} channels of {plane}");
        }
        for (int c = 0; c < channels; c++)
        {
            Span<float> yc = y.Slice(c * plane, plane);
            TensorPrimitives.Multiply(x.Slice(c * plane, plane), multiplier[c], yc);
            TensorPrimitives.Add(yc, offset[c], yc);
        }
    }

    /// <summary>
    /// y = x·scale + shift for one sample of <paramref name="x"/>.Length elements laid out as channels × plane, where
    /// each of scale and shift has 1 element (scalar), one per channel, or one per element.
    /// </summary>
    public static void ScaleShift(ReadOnlySpan<float> x, int plane, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y)
    {
        int size = x.Length;
        if (plane <= 0 || size % plane != 0 || y.Length != size)
        {
            throw new ArgumentException($"scale-shift: {size} inputs and {y.Length} outputs do not fit planes of {plane}");
        }
        int channels = size / plane;
        CheckBroadcast(scale.Length, channels, size, "scale");
        CheckBroadcast(shift.Length, channels, size, "shift");
        if (scale.Length == size) TensorPrimitives.Multiply(x, scale, y);
        else if (scale.Length == 1) TensorPrimitives.Multiply(x, scale[0], y);
        else
        {
            for (int c = 0; c < channels; c++) TensorPrimitives.Multiply(x.Slice(c * plane, plane), scale[c], y.Slice(c * plane, plane));
        }
        if (shift.Length == size) TensorPrimitives.Add(y, shift, y);
        else if (shift.Length == 1) TensorPrimitives.Add(y, shift[0], y);
        else
        {
            for (int c = 0; c < channels; c++)
            {
                Span<float> yc = y.Slice(c * plane, plane);
                TensorPrimitives.Add(yc, shift[c], yc);
            }
        }
    }

    private static void CheckBroadcast(int length, int channels, int size, string what)
    {
        if (!ChannelBroadcast.Fits(length, channels, size))
        {
            throw new ArgumentException($"scale-shift: {what} has {length} elements; expected 1, {channels} (channels) or {size}");
        }
    }

    /// <summary>Numerically stable softmax: y = exp(x − max x) / Σ exp(x − max x).</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.IsEmpty) return;
        TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y);
        TensorPrimitives.Exp(y, y);
        TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
    }

    /// <summary>Numerically stable log-softmax: y = x − max x − log Σ exp(x − max x).</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.IsEmpty) return;
        TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), y);
        float sum = 0f;
        foreach (float v in y) sum += MathF.Exp(v);
        TensorPrimitives.Subtract(y, MathF.Log(sum), y);
    }
}
