using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>Dense layer: Y[count × Out] = X[count × In] · Wᵀ + b, one GEMM per chunk with W packed once.</summary>
internal sealed class DenseLayer : Layer
{
    private readonly GemmPackedB _weight;
    private readonly float[] _bias;
    private readonly float[] _w;
    private readonly Lazy<GemmPackedB> _backward;

    public DenseLayer(DenseNode node, int[] inputs) : base(node, inputs)
    {
        _w = node.Weight.Data;
        _backward = new(() => GemmPackedB.Pack(node.OutFeatures, node.InFeatures, _w, node.InFeatures, transposeB: false));
        _weight = GemmPackedB.Pack(node.InFeatures, node.OutFeatures, node.Weight.Data, node.InFeatures, transposeB: true);
        _bias = node.Bias ?? [];
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Gemm.Multiply(count, X(data), InSize, false, _weight, y, OutSize, _bias, _bias.Length > 0 ? GemmBias.PerColumn : GemmBias.None);

    public override IReadOnlyList<LayerParameter> Parameters => [new("weight", _w.Length), new("bias", _bias.Length)];

    /// <summary>dX += dY·W (W packed once for it); with parameters, dW += dYᵀ·X and db += Σ dY over the samples.</summary>
    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
        Gemm.Multiply(count, dy, OutSize, false, _backward.Value, DX(grad), InSize, accumulate: true);
        if (parameters is null) return;
        Gemm.Multiply(OutSize, InSize, count, dy, OutSize, true, X(data), InSize, false, parameters[0], InSize, accumulate: true);
        if (_bias.Length == 0) return;
        for (int s = 0; s < count; s++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(parameters[1], dy.Slice(s * OutSize, OutSize), parameters[1]);
        }
    }
}
