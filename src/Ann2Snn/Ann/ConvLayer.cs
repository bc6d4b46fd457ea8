using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

/// <summary>Convolution: im2col + GEMM per image (direct for depthwise).</summary>
internal sealed class ConvLayer : Layer
{
    private readonly Conv2dWeights _weights;

    public ConvLayer(Conv2dNode node, int[] inputs) : base(node, inputs)
    {
        Shape x = node.Inputs[0].OutputShape;
        var geometry = new Conv2dGeometry(x.Channels, x.Height, x.Width, node.OutChannels, node.Window, node.Groups);
        _weights = new Conv2dWeights(geometry, node.Weight.Data, node.Bias);
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Conv2d.ForwardBatch(_weights, X(data), y, count);
}
