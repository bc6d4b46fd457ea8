using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>
/// Runs a <see cref="MatMulNode"/>: per sample, one GEMM per product, each operand's matrix picked through the broadcast
/// of the leading axes.
/// </summary>
internal sealed class MatMulLayer : Layer
{
    private readonly int _m, _k, _n;
    private readonly int _sizeA, _sizeB;
    private readonly int[] _matA, _matB;   // per product: the matrix of A and of B it reads

    public MatMulLayer(MatMulNode node, int[] inputs) : base(node, inputs)
    {
        (_m, _k, _n) = (node.M, node.K, node.N);
        _sizeA = node.Inputs[0].OutputShape.Size;
        _sizeB = node.Inputs[1].OutputShape.Size;
        int lead = node.OutputShape.Rank - 2;
        int[] to = [.. node.OutputShape.Take(lead)];
        _matA = Broadcast.Offsets([.. node.Inputs[0].OutputShape.Take(lead)], to);
        _matB = Broadcast.Offsets([.. node.Inputs[1].OutputShape.Take(lead)], to);
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        ReadOnlySpan<float> a = data[Inputs[0]].Span, b = data[Inputs[1]].Span;
        for (int s = 0; s < count; s++)
        {
            for (int p = 0; p < _matA.Length; p++)
            {
                Gemm.Multiply(_m, _n, _k, a.Slice((s * _sizeA) + (_matA[p] * _m * _k), _m * _k), _k, false,
                    b.Slice((s * _sizeB) + (_matB[p] * _k * _n), _k * _n), _n, false,
                    y.Slice((s * OutSize) + (p * _m * _n), _m * _n), _n);
            }
        }
    }

    /// <summary>dA += dY·Bᵀ and dB += Aᵀ·dY, per product (a broadcast matrix sums the products that read it).</summary>
    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
        ReadOnlySpan<float> a = data[Inputs[0]].Span, b = data[Inputs[1]].Span;
        Span<float> da = DX(grad, 0);
        Span<float> db = Inputs[0] == Inputs[1] ? new float[count * _sizeB] : DX(grad, 1);
        for (int s = 0; s < count; s++)
        {
            for (int p = 0; p < _matA.Length; p++)
            {
                int offA = (s * _sizeA) + (_matA[p] * _m * _k), offB = (s * _sizeB) + (_matB[p] * _k * _n);
                ReadOnlySpan<float> g = dy.Slice((s * OutSize) + (p * _m * _n), _m * _n);
                Gemm.Multiply(_m, _k, _n, g, _n, false, b.Slice(offB, _k * _n), _n, true, da.Slice(offA, _m * _k), _k, accumulate: true);
                Gemm.Multiply(_k, _n, _m, a.Slice(offA, _m * _k), _k, true, g, _n, false, db.Slice(offB, _k * _n), _n, accumulate: true);
            }
        }
        if (Inputs[0] == Inputs[1]) System.Numerics.Tensors.TensorPrimitives.Add(da[..db.Length], db, da[..db.Length]);
    }
}
