using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

internal sealed class ReluLayer(ReluNode node, int[] inputs) : Layer(node, inputs)
{
    public override void Run(Memory<float>[] data, Span<float> y, int count) => Elementwise.Relu(X(data), y);

    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters) =>
        GradientKernels.Relu(X(data)[..(count * InSize)], dy[..(count * OutSize)], DX(grad)[..(count * InSize)]);
}
