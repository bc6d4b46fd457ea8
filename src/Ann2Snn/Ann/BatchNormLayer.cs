using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

internal sealed class BatchNormLayer : SampleLayer
{
    private readonly float[] _multiplier;
    private readonly float[] _offset;
    private readonly int _plane;
    private readonly BatchNormNode _node;

    public BatchNormLayer(BatchNormNode node, int[] inputs) : base(node, inputs)
    {
        _node = node;
        (_multiplier, _offset) = node.Affine();
        _plane = OutSize / node.OutputShape.Channels;
    }

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) =>
        Elementwise.ChannelAffine(x, _plane, _multiplier, _offset, y);

    public override IReadOnlyList<LayerParameter> Parameters => [new("scale", _multiplier.Length), new("bias", _multiplier.Length)];

    /// <summary>
    /// dx = dy·γ/√(σ² + ε) per channel; with parameters, ∂/∂γ = Σ dy·(x − μ)/√(σ² + ε) and ∂/∂β = Σ dy (the running
    /// statistics are constants of the inference graph).
    /// </summary>
    protected override void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters)
    {
        for (int c = 0; c < _multiplier.Length; c++)
        {
            ReadOnlySpan<float> d = dy.Slice(c * _plane, _plane);
            Span<float> g = dx.Slice(c * _plane, _plane);
            float m = _multiplier[c];
            for (int p = 0; p < _plane; p++) g[p] += d[p] * m;
            if (parameters is null) continue;
            float mean = _node.Mean[c], inv = 1f / MathF.Sqrt(_node.Variance[c] + _node.Epsilon);
            ReadOnlySpan<float> xc = x.Slice(c * _plane, _plane);
            double scale = 0, bias = 0;
            for (int p = 0; p < _plane; p++)
            {
                scale += d[p] * (xc[p] - mean) * inv;
                bias += d[p];
            }
            parameters[0][c] += (float)scale;
            parameters[1][c] += (float)bias;
        }
    }
}
