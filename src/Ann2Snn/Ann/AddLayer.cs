using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

internal sealed class AddLayer(AddNode node, int[] inputs) : Layer(node, inputs)
{
    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Elementwise.Add(data[Inputs[0]].Span, data[Inputs[1]].Span, y);

    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
        int n = count * OutSize;
        GradientKernels.Add(dy[..n], DX(grad, 0)[..n]);
        GradientKernels.Add(dy[..n], DX(grad, 1)[..n]);
    }
}
