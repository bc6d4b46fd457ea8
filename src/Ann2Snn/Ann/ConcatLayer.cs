using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>Channel concatenation: per sample, each input's block in order.</summary>
internal sealed class ConcatLayer(ConcatNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly int[] _blockSizes = node.Inputs.Select(n => n.OutputShape.Size).ToArray();

    public override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int offset = i * OutSize;
            for (int k = 0; k < Inputs.Length; k++)
            {
                int block = _blockSizes[k];
                data[Inputs[k]].Span.Slice(i * block, block).CopyTo(y.Slice(offset, block));
                offset += block;
            }
        }
    }

    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
        for (int i = 0; i < count; i++)
        {
            int offset = i * OutSize;
            for (int k = 0; k < Inputs.Length; k++)
            {
                int block = _blockSizes[k];
                GradientKernels.Add(dy.Slice(offset, block), DX(grad, k).Slice(i * block, block));
                offset += block;
            }
        }
    }
}
