using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

internal sealed class ClipLayer(ClipNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly float _min = node.Min;
    private readonly float _max = node.Max;

    public override void Run(Memory<float>[] data, Span<float> y, int count) => Elementwise.Clip(X(data), _min, _max, y);

    // With min > max the output is max everywhere: no gradient.
    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters) =>
        GradientKernels.Clip(X(data)[..(count * InSize)], _min, _max, dy[..(count * OutSize)], DX(grad)[..(count * InSize)]);
}
