using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>Dense layer: Y[count × Out] = X[count × In] · Wᵀ + b, one GEMM per chunk with W packed once.</summary>
internal sealed class DenseLayer : Layer
{
    private readonly GemmPackedB _weight;
    private readonly float[] _bias;

    public DenseLayer(DenseNode node, int[] inputs) : base(node, inputs)
    {
        _weight = GemmPackedB.Pack(node.InFeatures, node.OutFeatures, node.Weight.Data, node.InFeatures, transposeB: true);
        _bias = node.Bias ?? [];
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Gemm.Multiply(count, X(data), InSize, false, _weight, y, OutSize, _bias, _bias.Length > 0 ? GemmBias.PerColumn : GemmBias.None);
}
