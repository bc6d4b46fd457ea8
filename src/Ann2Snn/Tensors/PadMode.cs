namespace Ann2Snn.Tensors;

/// <summary>
/// What a Pad writes outside the input along an axis of size n, for an output position whose source index i lies
/// outside [0, n) (ONNX Pad's modes, NumPy's <c>np.pad</c>).
/// </summary>
public enum PadMode
{
    /// <summary>A constant value.</summary>
    Constant,

    /// <summary>The mirror image without repeating the edge: i ↦ −i before the start, 2(n−1) − i after the end.</summary>
    Reflect,

    /// <summary>The edge value repeated: i ↦ clamp(i, 0, n−1).</summary>
    Edge,

    /// <summary>The input repeated periodically: i ↦ i mod n.</summary>
    Wrap,
}
