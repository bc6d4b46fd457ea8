using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

internal sealed class PoolLayer(Pool2dNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly Shape _in = node.Inputs[0].OutputShape;
    private readonly PoolKind _kind = node.Kind;
    private readonly Window2d _window = node.Window;
    private readonly bool _countIncludePad = node.CountIncludePad;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y)
    {
        if (_kind == PoolKind.Max) Pool2d.Max(x, _in.Channels, _in.Height, _in.Width, _window, y);
        else Pool2d.Average(x, _in.Channels, _in.Height, _in.Width, _window, _countIncludePad, y);
    }

    protected override void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters)
    {
        if (_kind == PoolKind.Max) Pool2dGradient.Max(x, _in.Channels, _in.Height, _in.Width, _window, dy, dx);
        else Pool2dGradient.Average(dy, _in.Channels, _in.Height, _in.Width, _window, _countIncludePad, dx);
    }
}
