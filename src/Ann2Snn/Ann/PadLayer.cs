using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>Pads or crops each sample.</summary>
internal sealed class PadLayer(PadNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly Kernels.Pad _plan = new(node.Inputs[0].OutputShape.ToArray(), [.. node.Begin], [.. node.End], node.Mode);
    private readonly float _value = node.Value;
    private readonly Lazy<int[]> _map = new(() => Map(node));

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) => _plan.Apply(x, y, _value);

    protected override void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters) => Kernels.GradientKernels.Scatter(_map.Value, dy, dx);

    private static int[] Map(PadNode node)
    {
        var plan = new Kernels.Pad(node.Inputs[0].OutputShape.ToArray(), [.. node.Begin], [.. node.End], node.Mode);
        return IndexMaps.Of($"node '{node.Name}' (Pad)", plan.InputSize, plan.OutputSize, (x, y) => plan.Apply(x, y, -1f));
    }
}
