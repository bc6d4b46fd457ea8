using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>Pads or crops each sample.</summary>
internal sealed class PadLayer(PadNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly Kernels.Pad _plan = new(node.Inputs[0].OutputShape.ToArray(), [.. node.Begin], [.. node.End], node.Mode);
    private readonly float _value = node.Value;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) => _plan.Apply(x, y, _value);
}
