using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>Convolutional synapses (shared kernel), weight [O, C/g, kH, kW]; a sequence [C, L] is read as [C, 1, L].</summary>
public sealed class ConvOp : SynapticOp
{
    public ConvOp(Shape input, FloatTensor weight, Window2d window, int groups, Shape output) : base(input, output)
    {
        const string where = "conv synapses";
        if (!input.IsSpatial || output.Rank != input.Rank)
        {
            throw new InvalidModelException($"{where}: input {input} and output {output} must both be [C, H, W] or both [C, L]");
        }
        if (weight.Rank != 4) throw new InvalidModelException($"{where}: weight {weight} has rank {weight.Rank}, "
            + "expected 4 [O, C/g, kH, kW]");
        if (groups <= 0 || input.Channels % groups != 0 || output.Channels % groups != 0
            || weight.Shape[1] * groups != input.Channels || weight.Shape[0] != output.Channels)
        {
            throw new InvalidModelException($"{where}: weight {weight} with groups={groups} "
                + $"does not map {input.Channels} input channels to {output.Channels}");
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
