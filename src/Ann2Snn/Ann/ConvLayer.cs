using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

/// <summary>Convolution: im2col + GEMM per image (direct for depthwise).</summary>
internal sealed class ConvLayer : Layer
{
    private readonly Conv2dWeights _weights;
    private readonly int _biasSize;
    private readonly Lazy<ConvTranspose2dWeights> _inputGradient;

    public ConvLayer(Conv2dNode node, int[] inputs) : base(node, inputs)
    {
        Shape x = node.Inputs[0].OutputShape;
        var geometry = new Conv2dGeometry(x.Channels, x.Height, x.Width, node.OutChannels, node.Window, node.Groups);
        _weights = new Conv2dWeights(geometry, node.Weight.Data, node.Bias);
        _biasSize = node.Bias?.Length ?? 0;
        _inputGradient = new(() => Conv2dGradient.InputGradient(geometry, node.Weight.Data));
    }

    public override IReadOnlyList<LayerParameter> Parameters =>
        [new("weight", _weights.Geometry.WeightSize), new("bias", _biasSize)];

    /// <summary>
    /// dX += the transposed convolution of dY with the same weights; with parameters, dW += dY ⊛ X (a GEMM per image and
    /// group over the unfolded input) and db += Σ dY.
    /// </summary>
    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
        int n = count * InSize;
        float[] dx = System.Buffers.ArrayPool<float>.Shared.Rent(n);
        try
        {
            ConvTranspose2d.ForwardBatch(_inputGradient.Value, dy[..(count * OutSize)], dx.AsSpan(0, n), count);
            GradientKernels.Add(dx.AsSpan(0, n), DX(grad)[..n]);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(dx);
        }
        if (parameters is null) return;
        Conv2dGradient.AccumulateWeights(_weights.Geometry, X(data), dy, count, parameters[0], parameters[1]);
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Conv2d.ForwardBatch(_weights, X(data), y, count);
}
