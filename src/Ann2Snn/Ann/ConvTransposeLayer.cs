using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

/// <summary>Transposed convolution: GEMM + col2im per image.</summary>
internal sealed class ConvTransposeLayer : Layer
{
    private readonly ConvTranspose2dWeights _weights;
    private readonly int _biasSize;
    private readonly Lazy<Conv2dWeights> _inputGradient;

    public ConvTransposeLayer(ConvTranspose2dNode node, int[] inputs) : base(node, inputs)
    {
        Shape x = node.Inputs[0].OutputShape;
        var geometry = new ConvTranspose2dGeometry(x.Channels, x.Height, x.Width, node.OutChannels, node.Window, node.Groups,
            node.OutputPaddingH, node.OutputPaddingW);
        _weights = new ConvTranspose2dWeights(geometry, node.Weight.Data, node.Bias);
        _biasSize = node.Bias?.Length ?? 0;
        _inputGradient = new(() => new Conv2dWeights(new Conv2dGeometry(geometry.OutChannels, geometry.OutHeight, geometry.OutWidth,
            geometry.InChannels, geometry.Window, geometry.Groups), node.Weight.Data, null));
    }

    public override IReadOnlyList<LayerParameter> Parameters => [new("weight", _weights.Geometry.WeightSize), new("bias", _biasSize)];

    /// <summary>
    /// dX += the convolution of dY with the same weights (the adjoint of the transposed convolution); with parameters,
    /// per image and group dW_g[C/groups × O/groups·kH·kW] += X_g · col(dY)_gᵀ and db += Σ dY.
    /// </summary>
    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
        Conv2dWeights adjoint = _inputGradient.Value;
        int n = count * InSize;
        float[] dx = System.Buffers.ArrayPool<float>.Shared.Rent(n);
        try
        {
            Conv2d.ForwardBatch(adjoint, dy[..(count * OutSize)], dx.AsSpan(0, n), count);
            GradientKernels.Add(dx.AsSpan(0, n), DX(grad)[..n]);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(dx);
        }
        if (parameters is null) return;
        Conv2dGeometry g = adjoint.Geometry;   // over dY: its output plane is this layer's input plane
        int plane = g.OutHeight * g.OutWidth, k = g.PatchSize, cg = g.GroupOutChannels;
        float[] columns = new float[k * plane];
        ReadOnlySpan<float> x = X(data);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> d = dy.Slice(i * OutSize, OutSize);
            for (int group = 0; group < g.Groups; group++)
            {
                Conv2dGradient.Im2Col(g, d, group, columns);
                Gemm.Multiply(cg, k, plane, x.Slice((i * InSize) + (group * cg * plane), cg * plane), plane, false, columns, plane, true,
                    parameters[0].AsSpan(group * cg * k, cg * k), k, accumulate: true);
            }
            if (_biasSize == 0) continue;
            int outPlane = OutSize / _biasSize;
            for (int o = 0; o < _biasSize; o++)
            {
                parameters[1][o] += System.Numerics.Tensors.TensorPrimitives.Sum(d.Slice(o * outPlane, outPlane));
            }
        }
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        ConvTranspose2d.ForwardBatch(_weights, X(data), y, count);
}
