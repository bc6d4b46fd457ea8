using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>Copies each sample's elements by the node's index map.</summary>
internal sealed class GatherLayer(GatherNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly int[] _map = node.Map.ToArray();

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < _map.Length; i++) y[i] = x[_map[i]];
    }

    protected override void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters) => Kernels.GradientKernels.Scatter(_map, dy, dx);
}
