using Ann2Snn.Tensors;

namespace Ann2Snn.Onnx;

/// <summary>
/// Maps a constant operand of an element-wise op onto the per-sample shape of the tensor it is combined with,
/// following ONNX (NumPy) broadcasting: dims align on the right, and a leading dim of 1 stands for the batch.
/// </summary>
internal static class ConstantBroadcast
{
    /// <summary>
    /// The constant as 1 value (scalar), C values (per channel) or the full per-sample size, or null (with a reason)
    /// when broadcasting it would change the tensor's shape.
    /// </summary>
    public static float[]? ToPerSample(ConstTensor c, Shape shape, out string reason)
    {
        reason = $"constant '{Text.Clean(c.Name)}' {c.DimsText} does not broadcast onto [N, {string.Join(", ", shape)}] "
            + "without changing its shape";
        int rank = shape.Rank;
        ReadOnlySpan<int> dims = c.Dims;
        if (dims.Length > rank + 1) return null;
        if (dims.Length == rank + 1)
        {
            if (dims[0] != 1) return null; // the batch dim must broadcast
            dims = dims[1..];
        }
        var aligned = new int[rank];
        aligned.AsSpan().Fill(1);
        dims.CopyTo(aligned.AsSpan(rank - dims.Length));
        for (int i = 0; i < rank; i++)
        {
            if (aligned[i] != 1 && aligned[i] != shape[i]) return null;
        }
        float[] data = c.Floats;
        if (data.Length == 1 || data.Length == shape.Size) return data;
        if (aligned[0] == shape[0] && data.Length == shape[0]) return data; // per channel
        return Expand(data, aligned, shape);
    }

    /// <summary>Materializes a broadcast: every element of <paramref name="shape"/> reads its source through stride-0 dims.</summary>
    private static float[] Expand(float[] data, int[] aligned, Shape shape)
    {
        int rank = shape.Rank;
        var strides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; i--)
        {
            strides[i] = aligned[i] == 1 ? 0 : s;
            s *= aligned[i];
        }
        var result = new float[shape.Size];
        var index = new int[rank];
        int source = 0;
        for (int k = 0; k < result.Length; k++)
        {
            result[k] = data[source];
            // Odometer step over the output index, keeping the source offset in step.
            for (int i = rank - 1; i >= 0; i--)
            {
                index[i]++;
                source += strides[i];
                if (index[i] < shape[i]) break;
                source -= strides[i] * index[i];
                index[i] = 0;
            }
        }
        return result;
    }
}
