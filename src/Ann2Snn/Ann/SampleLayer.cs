using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>A layer computed one sample at a time from a single input.</summary>
internal abstract class SampleLayer(Node node, int[] inputs) : Layer(node, inputs)
{
    public sealed override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        ReadOnlySpan<float> x = X(data);
        for (int i = 0; i < count; i++) RunSample(x.Slice(i * InSize, InSize), y.Slice(i * OutSize, OutSize));
    }

    protected abstract void RunSample(ReadOnlySpan<float> x, Span<float> y);

    public sealed override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad,
        int count, float[][]? parameters)
    {
        ReadOnlySpan<float> x = X(data);
        Span<float> dx = DX(grad);
        for (int i = 0; i < count; i++)
        {
            BackwardSample(x.Slice(i * InSize, InSize), y.Slice(i * OutSize, OutSize), dy.Slice(i * OutSize, OutSize),
                dx.Slice(i * InSize, InSize), parameters);
        }
    }

    /// <summary>One sample of <see cref="Layer.Backward"/>: adds into <paramref name="dx"/> (and the parameters' gradients).</summary>
    protected abstract void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters);
}
