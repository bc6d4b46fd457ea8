namespace Ann2Snn.Ann;

/// <summary>
/// Index maps of layers that only move elements (pad, transpose): the input element each output element copies, found by
/// running the layer once on an image of indices, so the map is the forward pass's own and cannot disagree with it.
/// </summary>
internal static class IndexMaps
{
    /// <summary>Largest input whose indices a float holds exactly.</summary>
    private const int MaxExact = 1 << 24;

    /// <summary>
    /// The map of a per-sample <paramref name="forward"/> from <paramref name="inputSize"/> to <paramref name="outputSize"/>
    /// elements that writes −1 where it writes no input (a constant pad).
    /// </summary>
    public static int[] Of(string layer, int inputSize, int outputSize, Action<float[], float[]> forward)
    {
        if (inputSize >= MaxExact)
        {
            throw new UnsupportedOperatorException($"{layer}: {inputSize} elements per sample are too many for its gradient");
        }
        var indices = new float[inputSize];
        for (int i = 0; i < inputSize; i++) indices[i] = i;
        var moved = new float[outputSize];
        forward(indices, moved);
        var map = new int[outputSize];
        for (int o = 0; o < outputSize; o++) map[o] = (int)moved[o];
        return map;
    }
}
