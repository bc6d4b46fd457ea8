using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

internal sealed class ScaleShiftLayer(ScaleShiftNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly float[] _scale = node.Scale;
    private readonly float[] _shift = node.Shift;
    private readonly int _plane = node.OutputShape.Size / node.OutputShape.Channels;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) => Elementwise.ScaleShift(x, _plane, _scale, _shift, y);
}
