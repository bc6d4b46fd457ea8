using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>Runs a <see cref="LayerNormNode"/>: every slice of the normalized trailing axes, all samples at once.</summary>
internal sealed class LayerNormLayer(LayerNormNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly int _n = node.Block.Length;
    private readonly float _epsilon = node.Epsilon;
    private readonly float[] _scale = node.Scale;
    private readonly float[] _bias = node.Bias;

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        LayerNormKernels.Forward(X(data)[..(count * InSize)], _n, _epsilon, _scale, _bias, y[..(count * OutSize)]);

    public override IReadOnlyList<LayerParameter> Parameters => [new("scale", _scale.Length), new("bias", _bias.Length)];

    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters) =>
        LayerNormKernels.Backward(X(data)[..(count * InSize)], _n, _epsilon, _scale, dy[..(count * OutSize)], DX(grad)[..(count * InSize)],
            parameters is null ? default : parameters[0], parameters is null ? default : parameters[1]);
}
