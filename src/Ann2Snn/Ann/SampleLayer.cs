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
}
