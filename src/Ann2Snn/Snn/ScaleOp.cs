using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>Per-channel (or scalar) gain: what remains of a BatchNorm or a constant scale that could not be folded into weights.</summary>
public sealed class ScaleOp : SynapticOp
{
    public ScaleOp(Shape shape, float[] scale) : base(shape, shape)
    {
        if (scale.Length != 1 && scale.Length != shape.Channels && scale.Length != shape.Size)
        {
            throw new InvalidModelException($"scale synapses: {scale.Length} gains do not fit {shape}");
        }
        Scale = scale;
    }

    public float[] Scale { get; }
    public override string Kind => "scale";

    /// <summary>The gain of every element of the input (the scale is scalar, per channel or per element).</summary>
    public float[] ElementGains()
    {
        int size = InputShape.Size, plane = size / InputShape.Channels;
        var g = new float[size];
        for (int i = 0; i < size; i++) g[i] = ChannelBroadcast.At(Scale, i, plane, size);
        return g;
    }
    public override double FanOut => 1;
}
