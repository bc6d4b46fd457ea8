using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>Permutes each sample's axes.</summary>
internal sealed class TransposeLayer(TransposeNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly Transpose _plan = new(node.Inputs[0].OutputShape.ToArray(), [.. node.Permutation]);
    private readonly Lazy<int[]> _map = new(() => Map(node));

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) => _plan.Apply(x, y);

    protected override void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters) => GradientKernels.Scatter(_map.Value, dy, dx);

    private static int[] Map(TransposeNode node)
    {
        var plan = new Transpose(node.Inputs[0].OutputShape.ToArray(), [.. node.Permutation]);
        return IndexMaps.Of($"node '{node.Name}' (Transpose)", plan.Size, plan.Size, (x, y) => plan.Apply(x, y));
    }
}
