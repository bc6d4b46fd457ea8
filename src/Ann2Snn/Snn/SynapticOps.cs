using Ann2Snn.Graph;

namespace Ann2Snn.Snn;

/// <summary>
/// A linear map from a source population's spikes (or the encoded input) towards a target membrane. A projection
/// chains a few of them (e.g. average pool → flatten → dense); all are linear, so the chain is one synaptic matrix
/// applied implicitly. Each op knows its input and output shapes.
/// </summary>
public abstract class SynapticOp
{
    private protected SynapticOp(Shape input, Shape output)
    {
        InputShape = input;
        OutputShape = output;
    }

    public Shape InputShape { get; }
    public Shape OutputShape { get; }
    public abstract string Kind { get; }

    /// <summary>Synapses leaving one source neuron on average (the fan-out used for synaptic-event counts).</summary>
    public abstract double FanOut { get; }
}

/// <summary>All-to-all synapses, weight [Out, In].</summary>
public sealed class DenseOp : SynapticOp
{
    public DenseOp(Shape input, FloatTensor weight) : base(input, new Shape(weight.Shape[0]))
    {
        if (input.Size != weight.Shape[1]) throw new InvalidModelException($"dense synapses: weight [{weight.Shape[0]}×{weight.Shape[1]}] does not take input {input}");
        Weight = weight;
    }

    public FloatTensor Weight { get; }
    public override string Kind => "dense";
    public override double FanOut => Weight.Shape[0];
}

/// <summary>Convolutional synapses (shared kernel), weight [O, C/g, kH, kW].</summary>
public sealed class ConvOp : SynapticOp
{
    public ConvOp(Shape input, FloatTensor weight, Window2d window, int groups, Shape output) : base(input, output)
    {
        Weight = weight;
        Window = window;
        Groups = groups;
    }

    public FloatTensor Weight { get; }
    public Window2d Window { get; }
    public int Groups { get; }
    public override string Kind => "conv";

    // Each output cell sees C/g·kH·kW inputs; summed over outputs and divided by inputs gives the mean fan-out.
    public override double FanOut => (double)OutputShape.Size * Weight.Shape[1] * Window.KernelH * Window.KernelW / InputShape.Size;
}

/// <summary>Average pooling as summation: each output cell receives every input of its window with weight 1/count.</summary>
public sealed class AvgPoolOp : SynapticOp
{
    public AvgPoolOp(Shape input, Window2d window, bool countIncludePad, Shape output) : base(input, output)
    {
        Window = window;
        CountIncludePad = countIncludePad;
    }

    public Window2d Window { get; }
    public bool CountIncludePad { get; }
    public override string Kind => "avgpool";
    public override double FanOut => (double)OutputShape.Size * Window.KernelH * Window.KernelW / InputShape.Size;
}

/// <summary>Same data, new shape (flatten, reshape): no synapses of its own.</summary>
public sealed class ReshapeOp(Shape input, Shape output) : SynapticOp(input, output)
{
    public override string Kind => "reshape";
    public override double FanOut => 1;
}

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
    public override double FanOut => 1;
}

/// <summary>Places the input's channels at <see cref="ChannelOffset"/> in a wider target (concatenation along channels).</summary>
public sealed class ConcatSliceOp(Shape input, int channelOffset, Shape output) : SynapticOp(input, output)
{
    public int ChannelOffset { get; } = channelOffset;
    public override string Kind => "concat";
    public override double FanOut => 1;
}
