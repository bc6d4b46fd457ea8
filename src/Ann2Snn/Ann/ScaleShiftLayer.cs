using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

internal sealed class ScaleShiftLayer(ScaleShiftNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly float[] _scale = node.Scale;
    private readonly float[] _shift = node.Shift;
    private readonly int _plane = node.OutputShape.Size / node.OutputShape.Channels;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) => Elementwise.ScaleShift(x, _plane, _scale, _shift, y);

    public override IReadOnlyList<LayerParameter> Parameters => [new("scale", _scale.Length), new("shift", _shift.Length)];

    /// <summary>dx = dy·scale; with parameters, ∂/∂scale = Σ dy·x and ∂/∂shift = Σ dy over the elements each value covers.</summary>
    protected override void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters)
    {
        int size = dx.Length;
        for (int i = 0; i < size; i++) dx[i] += dy[i] * ChannelBroadcast.At(_scale, i, _plane, size);
        if (parameters is null) return;
        for (int i = 0; i < size; i++)
        {
            parameters[0][Slot(_scale.Length, i, size)] += dy[i] * x[i];
            parameters[1][Slot(_shift.Length, i, size)] += dy[i];
        }
    }

    private int Slot(int length, int index, int size) => length == 1 ? 0 : length == size ? index : index / _plane;
}
