using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

internal sealed class ReluLayer(ReluNode node, int[] inputs) : Layer(node, inputs)
{
    public override void Run(Memory<float>[] data, Span<float> y, int count) => Elementwise.Relu(X(data), y);
}
