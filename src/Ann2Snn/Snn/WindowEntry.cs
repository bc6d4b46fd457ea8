using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary><see cref="Window2d"/>: pairs are [H, W]; pads are [top, left, bottom, right].</summary>
internal sealed class WindowEntry
{
    public required int[] Kernel { get; init; }
    public required int[] Stride { get; init; }
    public required int[] Pads { get; init; }
    public required int[] Dilation { get; init; }
    public required bool CeilMode { get; init; }

    public static WindowEntry From(Window2d w) => new()
    {
        Kernel = [w.KernelH, w.KernelW],
        Stride = [w.StrideH, w.StrideW],
        Pads = [w.PadTop, w.PadLeft, w.PadBottom, w.PadRight],
        Dilation = [w.DilationH, w.DilationW],
        CeilMode = w.CeilMode,
    };

    /// <summary>The window, or null when an array has the wrong length.</summary>
    public Window2d? ToWindow() =>
        Kernel.Length == 2 && Stride.Length == 2 && Pads.Length == 4 && Dilation.Length == 2
            ? new Window2d(Kernel[0], Kernel[1], Stride[0], Stride[1], Pads[0], Pads[1], Pads[2], Pads[3],
                Dilation[0], Dilation[1], CeilMode)
            : null;
}
