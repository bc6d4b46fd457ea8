using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>Runs a <see cref="ConstantNode"/>: the same values for every sample; no gradient flows to its anchor.</summary>
internal sealed class ConstantLayer(ConstantNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly float[] _values = node.Values;

    public override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        for (int s = 0; s < count; s++) _values.CopyTo(y.Slice(s * OutSize, OutSize));
    }

    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
    }
}
