using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

/// <summary>Softmax or log-softmax over each sample's run of axes (the whole vector, or slices of it).</summary>
internal sealed class SoftmaxLayer(SoftmaxNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly bool _log = node.Log;
    private readonly AxisBlock _block = node.Block;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) => AxisKernels.Softmax(x, _block, _log, y);

    protected override void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters) => GradientKernels.Softmax(y, _block, _log, dy, dx);
}
