using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

internal sealed class GlobalAvgPoolLayer(GlobalAvgPoolNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly int _channels = node.OutputShape.Channels;

    // The chunk is count·C consecutive planes.
    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Pool2d.GlobalAverage(X(data), count * _channels, InSize / _channels, y);

    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters) =>
        Pool2dGradient.GlobalAverage(dy[..(count * _channels)], count * _channels, InSize / _channels, DX(grad)[..(count * InSize)]);
}
