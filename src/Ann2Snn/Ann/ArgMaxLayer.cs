using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

/// <summary>The index of the largest element along one axis of each sample, as a float.</summary>
internal sealed class ArgMaxLayer(ArgMaxNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly AxisBlock _block = node.Block;
    private readonly bool _last = node.SelectLastIndex;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) => AxisKernels.ArgMax(x, _block, _last, y);

    public override string? NoGradient => "an index has no gradient";

    protected override void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters) => throw new InvalidOperationException(NoGradient);
}
