using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>
/// Dense layer: Y[rows × Out] = X[rows × In] · Wᵀ + b with rows = count · positions (the tokens of every sample are rows of
/// one GEMM), one GEMM per chunk with W packed once.
/// </summary>
internal sealed class DenseLayer : Layer
{
    private readonly GemmPackedB _weight;
    private readonly float[] _bias;
    private readonly float[] _w;
    private readonly Lazy<GemmPackedB> _backward;
    private readonly int _positions, _in, _out;

    public DenseLayer(DenseNode node, int[] inputs) : base(node, inputs)
    {
        _w = node.Weight.Data;
        _backward = new(() => GemmPackedB.Pack(node.OutFeatures, node.InFeatures, _w, node.InFeatures, transposeB: false));
        _weight = GemmPackedB.Pack(node.InFeatures, node.OutFeatures, node.Weight.Data, node.InFeatures, transposeB: true);
        _bias = node.Bias ?? [];
        (_positions, _in, _out) = (node.Positions, node.InFeatures, node.OutFeatures);
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Gemm.Multiply(count * _positions, X(data), _in, false, _weight, y, _out, _bias,
            _bias.Length > 0 ? GemmBias.PerColumn : GemmBias.None);

    public override IReadOnlyList<LayerParameter> Parameters => [new("weight", _w.Length), new("bias", _bias.Length)];

    /// <summary>dX += dY·W (W packed once for it); with parameters, dW += dYᵀ·X and db += Σ dY over the samples' rows.</summary>
    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
        int rows = count * _positions;
        Gemm.Multiply(rows, dy, _out, false, _backward.Value, DX(grad), _in, accumulate: true);
        if (parameters is null) return;
        Gemm.Multiply(_out, _in, rows, dy, _out, true, X(data), _in, false, parameters[0], _in, accumulate: true);
        if (_bias.Length == 0) return;
        for (int s = 0; s < rows; s++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(parameters[1], dy.Slice(s * _out, _out), parameters[1]);
        }
    }
}
