using Ann2Snn.Tensors;

namespace Ann2Snn.Kernels;

/// <summary>
/// Geometry of a 2-D convolution over one image: input [C, H, W], weight [O, C/groups, kH, kW], output [O, OH, OW].
/// Constructed once per layer; validates the window and the grouping.
/// </summary>
public sealed class Conv2dGeometry
{
    public Conv2dGeometry(int inChannels, int height, int width, int outChannels, Window2d window, int groups = 1)
    {
        CheckSizes("convolution", inChannels, height, width, outChannels, groups);
        (OutHeight, OutWidth) = window.OutputSize(height, width, "convolution");
        InChannels = inChannels;
        Height = height;
        Width = width;
        OutChannels = outChannels;
        Window = window;
        Groups = groups;
    }

    /// <summary>Throws unless the sizes are positive and <paramref name="groups"/> divides both channel counts.</summary>
    internal static void CheckSizes(string what, int inChannels, int height, int width, int outChannels, int groups)
    {
        if (inChannels <= 0 || height <= 0 || width <= 0 || outChannels <= 0)
        {
            throw new ArgumentException($"{what}: sizes must be positive (C={inChannels}, H={height}, W={width}, O={outChannels})");
        }
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"{what}: groups={groups} must divide input channels {inChannels} "
                + $"and output channels {outChannels}");
        }
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
    public int WeightSize => OutChannels * GroupInChannels * Window.KernelH * Window.KernelW;
    public int GroupInChannels => InChannels / Groups;
    public int GroupOutChannels => OutChannels / Groups;

    /// <summary>Rows of the unfolded (im2col) matrix of one group: (C/groups)·kH·kW.</summary>
    public int PatchSize => GroupInChannels * Window.KernelH * Window.KernelW;

    /// <summary>
    /// Grouped so that each output channel reads a single input channel (depthwise, with any channel multiplier):
    /// computed directly. (A single-channel input with one group is better served by im2col + GEMM.)
    /// </summary>
    public bool IsDepthwise => Groups > 1 && GroupInChannels == 1;

    /// <summary>1×1 kernel, unit stride, no padding: the input already is the unfolded matrix.</summary>
    public bool IsPointwise =>
        Window is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0 };

    /// <summary>
    /// Floats of scratch Conv2d.Forward needs (none for depthwise and pointwise layers): one group's
    /// unfolded matrix in the GEMM's packed layout, one unfolded row, and the group's zero-padded input, the last two
    /// with room for a vector's overshoot.
    /// </summary>
    public int ScratchSize => IsDepthwise || IsPointwise ? 0 : ColumnsScratchSize(1);

    /// <summary>
    /// Floats of scratch the unfolding of one group of <paramref name="images"/> images side by side takes: their
    /// unfolded matrix in the GEMM's packed layout, one unfolded row across all of them, and each one's zero-padded
    /// group input (see <see cref="Conv2d.Im2ColPacked"/>).
    /// </summary>
    internal int ColumnsScratchSize(int images) => PackedColumnsSize(images) + RowSize(images) + images * PaddedInputSize;

    internal int PackedColumnsSize(int images) => Gemm.PackedSizeB(Gemm.Best, PatchSize, images * OutHeight * OutWidth);
    internal int RowSize(int images) => Gemm.RoundUp(images * OutHeight * OutWidth, Gemm.NR(Gemm.Best)) + Conv2d.Slack;
    internal int PaddedHeight => Height + Window.PadTop + Window.PadBottom;
    internal int PaddedWidth => Width + Window.PadLeft + Window.PadRight;
    internal int PaddedInputSize => GroupInChannels * PaddedHeight * PaddedWidth + Conv2d.Slack;
}
