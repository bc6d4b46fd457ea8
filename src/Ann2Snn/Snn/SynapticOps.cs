using Ann2Snn.Tensors;

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

    /// <summary>Throws unless sliding <paramref name="window"/> over <paramref name="input"/>'s planes gives <paramref name="output"/>'s planes.</summary>
    internal static void RequireWindowOutput(string where, Shape input, Window2d window, Shape output)
    {
        var (h, w) = window.OutputSize(input.Height, input.Width, where);
        if (h != output.Height || w != output.Width)
        {
            throw new InvalidModelException($"{where}: window {window} over {input} gives {h}×{w} planes, not those of {output}");
        }
    }

    /// <summary>Pooling keeps channels and slides a window over each plane.</summary>
    internal static void RequirePooling(string where, Shape input, Window2d window, Shape output)
    {
        if (input.Rank != 3 || output.Rank != 3 || input.Channels != output.Channels)
        {
            throw new InvalidModelException($"{where}: input {input} and output {output} must both be [C, H, W] with the same channels");
        }
        RequireWindowOutput(where, input, window, output);
    }
}

/// <summary>All-to-all synapses, weight [Out, In].</summary>
public sealed class DenseOp : SynapticOp
{
    public DenseOp(Shape input, FloatTensor weight) : base(input, new Shape(RowsOf(weight)))
    {
        if (input.Size != weight.Shape[1]) throw new InvalidModelException($"dense synapses: weight [{weight.Shape[0]}×{weight.Shape[1]}] does not take input {input}");
        Weight = weight;
    }

    public FloatTensor Weight { get; }
    public override string Kind => "dense";
    public override double FanOut => Weight.Shape[0];

    private static int RowsOf(FloatTensor weight) =>
        weight.Rank == 2 ? weight.Shape[0] : throw new InvalidModelException($"dense synapses: weight {weight} has rank {weight.Rank}, expected 2 [Out, In]");
}

/// <summary>Convolutional synapses (shared kernel), weight [O, C/g, kH, kW].</summary>
public sealed class ConvOp : SynapticOp
{
    public ConvOp(Shape input, FloatTensor weight, Window2d window, int groups, Shape output) : base(input, output)
    {
        const string where = "conv synapses";
        if (input.Rank != 3 || output.Rank != 3) throw new InvalidModelException($"{where}: input {input} and output {output} must both be [C, H, W]");
        if (weight.Rank != 4) throw new InvalidModelException($"{where}: weight {weight} has rank {weight.Rank}, expected 4 [O, C/g, kH, kW]");
        if (groups <= 0 || input.Channels % groups != 0 || output.Channels % groups != 0 || weight.Shape[1] * groups != input.Channels || weight.Shape[0] != output.Channels)
        {
            throw new InvalidModelException($"{where}: weight {weight} with groups={groups} does not map {input.Channels} input channels to {output.Channels}");
        }
        if (weight.Shape[2] != window.KernelH || weight.Shape[3] != window.KernelW || window.CeilMode)
        {
            throw new InvalidModelException($"{where}: window {window} does not match weight {weight}");
        }
        RequireWindowOutput(where, input, window, output);
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
        RequirePooling("avgpool synapses", input, window, output);
        Window = window;
        CountIncludePad = countIncludePad;
    }

    public Window2d Window { get; }
    public bool CountIncludePad { get; }
    public override string Kind => "avgpool";
    public override double FanOut => (double)OutputShape.Size * Window.KernelH * Window.KernelW / InputShape.Size;
}

/// <summary>Same data, new shape (flatten, reshape): no synapses of its own.</summary>
public sealed class ReshapeOp : SynapticOp
{
    public ReshapeOp(Shape input, Shape output) : base(input, output)
    {
        if (input.Size != output.Size) throw new InvalidModelException($"reshape synapses: {input} and {output} hold different numbers of values");
    }

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
