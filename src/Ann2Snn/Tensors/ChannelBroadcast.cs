namespace Ann2Snn.Tensors;

/// <summary>
/// Per-sample broadcasting of a parameter vector over a tensor of C channels of <c>plane</c> elements each: the vector
/// holds 1 element (a scalar), C elements (one per channel) or the whole sample (one per element).
/// </summary>
public static class ChannelBroadcast
{
    /// <summary>
    /// Whether a vector of <paramref name="length"/> elements broadcasts over <paramref name="channels"/> channels of a sample of
    /// <paramref name="size"/> elements.
    /// </summary>
    public static bool Fits(int length, int channels, int size) => length == 1 || length == channels || length == size;

    /// <summary>
    /// The value of <paramref name="v"/> for element <paramref name="index"/> of a sample of <paramref name="size"/> elements whose
    /// channels hold <paramref name="plane"/> elements each.
    /// </summary>
    public static float At(float[] v, int index, int plane, int size) =>
        v.Length == 1 ? v[0] : v.Length == size ? v[index] : v[index / plane];
}
