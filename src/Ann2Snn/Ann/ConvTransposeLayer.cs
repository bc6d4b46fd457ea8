using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

/// <summary>Transposed convolution: GEMM + col2im per image.</summary>
internal sealed class ConvTransposeLayer : Layer
{
    private readonly ConvTranspose2dWeights _weights;

    public ConvTransposeLayer(ConvTranspose2dNode node, int[] inputs) : base(node, inputs)
    {
        Shape x = node.Inputs[0].OutputShape;
        var geometry = new ConvTranspose2dGeometry(x.Channels, x.Height, x.Width, node.OutChannels, node.Window, node.Groups,
            node.OutputPaddingH, node.OutputPaddingW);
        _weights = new ConvTranspose2dWeights(geometry, node.Weight.Data, node.Bias);
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        ConvTranspose2d.ForwardBatch(_weights, X(data), y, count);
}
