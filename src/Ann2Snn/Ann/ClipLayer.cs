using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

internal sealed class ClipLayer(ClipNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly float _min = node.Min;
    private readonly float _max = node.Max;

    public override void Run(Memory<float>[] data, Span<float> y, int count) => Elementwise.Clip(X(data), _min, _max, y);
}
