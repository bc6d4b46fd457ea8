namespace Ann2Snn.Kernels;

/// <summary>
/// A convolution layer prepared once for repeated use: its geometry, weights and bias, with each group's weight
/// matrix [O/groups × (C/groups)·kH·kW] packed for <see cref="Gemm"/> (not for depthwise layers, computed directly).
/// </summary>
public sealed class Conv2dWeights
{
    public Conv2dWeights(Conv2dGeometry geometry, float[] weight, float[]? bias)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(weight);
        Conv2d.CheckParameters(geometry, weight, bias);
        Geometry = geometry;
        Weight = weight;
        Bias = bias ?? [];
        if (!geometry.IsDepthwise)
        {
            int og = geometry.GroupOutChannels, k = geometry.PatchSize;
            PackedGroups = Enumerable.Range(0, geometry.Groups)
                .Select(g => GemmPackedA.Pack(og, k, weight.AsSpan(g * og * k, og * k), k, transposeA: false))
                .ToArray();
        }
    }

    public Conv2dGeometry Geometry { get; }
    internal float[] Weight { get; }
    internal float[] Bias { get; }
    internal GemmPackedA[]? PackedGroups { get; }
}
