namespace Ann2Snn.Kernels;

/// <summary>
/// A transposed convolution prepared once: its geometry, bias, and each group's weights as the GEMM operand
/// W_gᵀ [(O/groups)·kH·kW × C/groups], packed for <see cref="Gemm"/>.
/// </summary>
public sealed class ConvTranspose2dWeights
{
    public ConvTranspose2dWeights(ConvTranspose2dGeometry geometry, float[] weight, float[]? bias)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Length != geometry.WeightSize)
        {
            throw new ArgumentException($"transposed convolution: weight has {weight.Length} elements, expected {geometry.WeightSize}");
        }
        if (bias is not null && bias.Length != geometry.OutChannels)
        {
            throw new ArgumentException($"transposed convolution: bias has {bias.Length} elements, expected {geometry.OutChannels}");
        }
        Geometry = geometry;
        Bias = bias ?? [];
        // Group g's weights are rows c of [C/groups × (O/groups)·kH·kW], stored contiguously: A = that block, transposed.
        int m = geometry.PatchSize, k = geometry.GroupInChannels;
        PackedGroups = Enumerable.Range(0, geometry.Groups)
            .Select(g => GemmPackedA.Pack(m, k, weight.AsSpan(g * k * m, k * m), m, transposeA: true))
            .ToArray();
    }

    public ConvTranspose2dGeometry Geometry { get; }
    internal float[] Bias { get; }
    internal GemmPackedA[] PackedGroups { get; }
}
