using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// 2-D convolution over NCHW. Weight shape [O, C/groups, kH, kW]; optional bias [O]. A sequence input [C, L] is read
/// as [C, 1, L] (1-D convolution, kH = 1) and gives a sequence [O, L′].
/// </summary>
public sealed class Conv2dNode : Node
{
    public Conv2dNode(string name, Node input, FloatTensor weight, float[]? bias, Window2d window, int groups = 1)
        : base(name, [input])
    {
        Shape x = Single(name, "Conv2d", Inputs);
        RequireSpatial(name, "Conv2d", x);
        if (weight.Rank != 4) throw new InvalidModelException($"node '{name}' (Conv2d): weight has rank {weight.Rank}, "
            + "expected 4 [O, C/g, kH, kW]");
        int o = weight.Shape[0];
        if (groups <= 0 || x.Channels % groups != 0 || o % groups != 0)
        {
            throw new InvalidModelException($"node '{name}' (Conv2d): group={groups} does not divide input channels {x.Channels} "
                + $"and output channels {o}");
        }
        if (weight.Shape[1] * groups != x.Channels)
        {
            throw new InvalidModelException($"node '{name}' (Conv2d): weight expects {weight.Shape[1] * groups} input channels, "
                + $"input has {x.Channels}");
        }
        if (weight.Shape[2] != window.KernelH || weight.Shape[3] != window.KernelW)
        {
            throw new InvalidModelException($"node '{name}' (Conv2d): kernel {window.KernelH}×{window.KernelW} "
                + $"does not match weight {weight}");
        }
        if (bias is not null && bias.Length != o)
        {
            throw new InvalidModelException($"node '{name}' (Conv2d): bias has {bias.Length} elements, expected {o}");
        }
        if (window.CeilMode) throw new InvalidModelException($"node '{name}' (Conv2d): ceil mode applies to pooling only");
        Weight = weight;
        Bias = bias;
        Window = window;
        Groups = groups;
        OutputShape = WindowOutput(name, "Conv2d", x, o, window);
    }

    public FloatTensor Weight { get; }
    public float[]? Bias { get; }
    public Window2d Window { get; }
    public int Groups { get; }
    public int OutChannels => Weight.Shape[0];
    public int InChannels => Inputs[0].OutputShape.Channels;
    public override Shape OutputShape { get; }
    public override string Op => "Conv2d";
    public override long Parameters => Weight.Length + (Bias?.Length ?? 0);
    public override long Macs => (long)OutputShape.Size * Weight.Shape[1] * Window.KernelH * Window.KernelW;
    public override string Describe() => Window + (Groups != 1 ? $" g={Groups}" : "");
}
