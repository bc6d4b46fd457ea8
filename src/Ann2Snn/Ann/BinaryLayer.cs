using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>Runs a <see cref="BinaryNode"/>: each sample's two operands broadcast through precomputed index maps.</summary>
internal sealed class BinaryLayer : Layer
{
    private readonly int _op;
    private readonly int _sizeA, _sizeB;
    private readonly int[] _mapA, _mapB;

    public BinaryLayer(BinaryNode node, int[] inputs) : base(node, inputs)
    {
        _op = (int)node.Kind;
        _sizeA = node.Inputs[0].OutputShape.Size;
        _sizeB = node.Inputs[1].OutputShape.Size;
        int[] to = node.OutputShape.ToArray();
        _mapA = Broadcast.Offsets(node.Inputs[0].OutputShape.ToArray(), to);
        _mapB = Broadcast.Offsets(node.Inputs[1].OutputShape.ToArray(), to);
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        ReadOnlySpan<float> a = data[Inputs[0]].Span, b = data[Inputs[1]].Span;
        for (int s = 0; s < count; s++)
        {
            Broadcast.Binary(_op, a.Slice(s * _sizeA, _sizeA), _mapA, b.Slice(s * _sizeB, _sizeB), _mapB, y.Slice(s * OutSize, OutSize));
        }
    }

    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
        ReadOnlySpan<float> a = data[Inputs[0]].Span, b = data[Inputs[1]].Span;
        Span<float> da = DX(grad, 0), db = DX(grad, 1);
        if (Inputs[0] == Inputs[1])
        {
            // x∘x: both gradients go to the one buffer, through a scratch copy for the second.
            var scratch = new float[count * _sizeB];
            Backward(a, b, dy, da, scratch, count);
            System.Numerics.Tensors.TensorPrimitives.Add(da[..scratch.Length], scratch, da[..scratch.Length]);
            return;
        }
        Backward(a, b, dy, da, db, count);
    }

    private void Backward(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> dy, Span<float> da, Span<float> db, int count)
    {
        for (int s = 0; s < count; s++)
        {
            Broadcast.BinaryBackward(_op, a.Slice(s * _sizeA, _sizeA), _mapA, b.Slice(s * _sizeB, _sizeB), _mapB,
                dy.Slice(s * OutSize, OutSize), da.Slice(s * _sizeA, _sizeA), db.Slice(s * _sizeB, _sizeB));
        }
    }
}
