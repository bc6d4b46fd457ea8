using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>Runs a <see cref="QuantizedClipNode"/>: the QCFS quantizer, or the plain clip to [0, λ] without levels.</summary>
internal sealed class QuantizedClipLayer(QuantizedClipNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly float _lambda = node.Lambda;
    private readonly int? _levels = node.Levels;
    private readonly float _shift = node.Shift;

    public override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        ReadOnlySpan<float> x = X(data)[..(count * InSize)];
        y = y[..(count * OutSize)];
        if (_levels is { } levels) ActivationKernels.QuantizedClip(x, _lambda, levels, _shift, y);
        else Elementwise.Clip(x, 0f, _lambda, y);
    }

    /// <summary>
    /// The straight-through estimate of QCFS training: the staircase passes the gradient where its clip to [0, λ] does
    /// (the floor's derivative, zero almost everywhere, is taken as one).
    /// </summary>
    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters) =>
        GradientKernels.Clip(X(data)[..(count * InSize)], 0f, _lambda, dy[..(count * OutSize)], DX(grad)[..(count * InSize)]);
}
