using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// 2-D transposed convolution (ONNX ConvTranspose, "deconvolution") over NCHW: every input cell scatters its value
/// times the kernel into the output, y[o, iy·sH − pT + ky·dH, ix·sW − pL + kx·dW] += x[c, iy, ix]·W[c, o mod (O/g), ky, kx]
/// for the input channels c of o's group, plus bias[o]. Weight shape [C, O/groups, kH, kW] (input channels first);
/// the pads crop the full output and the output padding adds rows/columns at the end (see
/// <see cref="Window2d.TransposedOutputSize"/>). A sequence input [C, L] is read as [C, 1, L] and gives [O, L′].
/// </summary>
public sealed class ConvTranspose2dNode : Node
{
    public ConvTranspose2dNode(string name, Node input, FloatTensor weight, float[]? bias, Window2d window, int groups = 1,
        int outputPaddingH = 0, int outputPaddingW = 0) : base(name, [input])
    {
        const string op = "ConvTranspose2d";
        Shape x = Single(name, op, Inputs);
        RequireSpatial(name, op, x);
        if (weight.Rank != 4)
        {
            throw new InvalidModelException($"node '{name}' ({op}): weight has rank {weight.Rank}, expected 4 [C, O/g, kH, kW]");
        }
        if (groups <= 0 || x.Channels % groups != 0 || weight.Shape[0] != x.Channels)
        {
            throw new InvalidModelException($"node '{name}' ({op}): weight {weight} with group={groups} does not take "
                + $"{x.Channels} input channels");
        }
        int o = weight.Shape[1] * groups;
        if (weight.Shape[2] != window.KernelH || weight.Shape[3] != window.KernelW)
        {
            throw new InvalidModelException($"node '{name}' ({op}): kernel {window.KernelH}×{window.KernelW} "
                + $"does not match weight {weight}");
        }
        if (bias is not null && bias.Length != o)
        {
            throw new InvalidModelException($"node '{name}' ({op}): bias has {bias.Length} elements, expected {o}");
        }
        var (oh, ow) = window.TransposedOutputSize(x.Height, x.Width, outputPaddingH, outputPaddingW, $"node '{name}' ({op})");
        if (x.Rank == 2 && oh != 1)
        {
            throw new InvalidModelException($"node '{name}' ({op}): the window ({window}) over the sequence {x} gives {oh} rows; "
                + "a 1-D window must have height 1 and no top or bottom padding");
        }
        Weight = weight;
        Bias = bias;
        Window = window;
        Groups = groups;
        OutputPaddingH = outputPaddingH;
        OutputPaddingW = outputPaddingW;
        OutputShape = x.Rank == 3 ? new Shape(o, oh, ow) : new Shape(o, ow);
    }

    /// <summary>[C, O/groups, kH, kW].</summary>
    public FloatTensor Weight { get; }
    public float[]? Bias { get; }

    /// <summary>Kernel, strides, dilations, and the pads that crop the full output (ceil mode unset).</summary>
    public Window2d Window { get; }
    public int Groups { get; }
    public int OutputPaddingH { get; }
    public int OutputPaddingW { get; }
    public int InChannels => Weight.Shape[0];
    public int OutChannels => OutputShape.Channels;
    public override Shape OutputShape { get; }
    public override string Op => "ConvTranspose2d";
    public override long Parameters => Weight.Length + (Bias?.Length ?? 0);

    // Every input cell meets every tap of the O/g output channels of its group.
    public override long Macs => (long)Inputs[0].OutputShape.Size * Weight.Shape[1] * Window.KernelH * Window.KernelW;

    public override string Describe() =>
        Window + (OutputPaddingH != 0 || OutputPaddingW != 0 ? $" op={OutputPaddingH},{OutputPaddingW}" : "")
        + (Groups != 1 ? $" g={Groups}" : "");
}
