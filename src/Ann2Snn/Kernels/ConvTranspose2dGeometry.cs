using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// Geometry of a 2-D transposed convolution over one image: input [C, H, W], weight [C, O/groups, kH, kW],
/// output [O, OH, OW] with OH, OW from <see cref="Window2d.TransposedOutputSize"/>. Validates on construction.
/// </summary>
public sealed class ConvTranspose2dGeometry
{
    public ConvTranspose2dGeometry(int inChannels, int height, int width, int outChannels, Window2d window, int groups = 1,
        int outputPaddingH = 0, int outputPaddingW = 0)
    {
        Conv2dGeometry.CheckSizes("transposed convolution", inChannels, height, width, outChannels, groups);
        (OutHeight, OutWidth) = window.TransposedOutputSize(height, width, outputPaddingH, outputPaddingW, "transposed convolution");
        InChannels = inChannels;
        Height = height;
        Width = width;
        OutChannels = outChannels;
        Window = window;
        Groups = groups;
    }

    public int InChannels { get; }
    public int Height { get; }
    public int Width { get; }
    public int OutChannels { get; }
    public Window2d Window { get; }
    public int Groups { get; }
    public int OutHeight { get; }
    public int OutWidth { get; }

    public int InputSize => InChannels * Height * Width;
    public int OutputSize => OutChannels * OutHeight * OutWidth;
    public int WeightSize => InChannels * GroupOutChannels * Window.KernelH * Window.KernelW;
    public int GroupInChannels => InChannels / Groups;
    public int GroupOutChannels => OutChannels / Groups;

    /// <summary>Rows of one group's column matrix: (O/groups)·kH·kW, one per output channel and tap.</summary>
    public int PatchSize => GroupOutChannels * Window.KernelH * Window.KernelW;

    /// <summary>Floats of scratch one image takes: one group's column matrix, PatchSize × H·W.</summary>
    public int ScratchSize => PatchSize * Height * Width;
}
