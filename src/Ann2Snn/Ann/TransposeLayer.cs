using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>Permutes each sample's axes.</summary>
internal sealed class TransposeLayer(TransposeNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly Transpose _plan = new(node.Inputs[0].OutputShape.ToArray(), [.. node.Permutation]);

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) => _plan.Apply(x, y);
}
