using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>Places the input's channels at <see cref="ChannelOffset"/> in a wider target (concatenation along channels).</summary>
public sealed class ConcatSliceOp : SynapticOp
{
    public ConcatSliceOp(Shape input, int channelOffset, Shape output) : base(input, output)
    {
        if (input.Rank != output.Rank || input.Height != output.Height || input.Width != output.Width
            || channelOffset < 0 || (long)channelOffset + input.Channels > output.Channels)
        {
            throw new InvalidModelException($"concat synapses: {input} placed at channel {channelOffset} does not fit in {output}");
        }
        ChannelOffset = channelOffset;
    }

    public int ChannelOffset { get; }
    public override string Kind => "concat";
    public override double FanOut => 1;
}
