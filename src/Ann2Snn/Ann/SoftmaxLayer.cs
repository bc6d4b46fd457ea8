using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>Softmax or log-softmax over each sample's whole vector.</summary>
internal sealed class SoftmaxLayer(SoftmaxNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly bool _log = node.Log;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y)
    {
        if (_log) Elementwise.LogSoftmax(x, y);
        else Elementwise.Softmax(x, y);
    }
}
