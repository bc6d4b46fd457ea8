using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

internal sealed class BatchNormLayer : SampleLayer
{
    private readonly float[] _multiplier;
    private readonly float[] _offset;
    private readonly int _plane;

    public BatchNormLayer(BatchNormNode node, int[] inputs) : base(node, inputs)
    {
        (_multiplier, _offset) = node.Affine();
        _plane = OutSize / node.OutputShape.Channels;
    }

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) =>
        Elementwise.ChannelAffine(x, _plane, _multiplier, _offset, y);
}
