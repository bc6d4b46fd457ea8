namespace Ann2Snn.Tensors;

/// <summary>2-D window geometry shared by convolution and pooling: kernel, stride, padding (top, left, bottom, right), dilation.</summary>
public readonly record struct Window2d(
    int KernelH, int KernelW, int StrideH, int StrideW, int PadTop, int PadLeft, int PadBottom, int PadRight,
    int DilationH = 1, int DilationW = 1, bool CeilMode = false)
{
    public static Window2d Square(int kernel, int stride = 1, int pad = 0) => new(kernel, kernel, stride, stride, pad, pad, pad, pad);

    /// <summary>
    /// The input row that tap row <paramref name="ky"/> of output row <paramref name="oy"/> reads (outside [0, H) in the padding).
    /// </summary>
    public int InputRow(int oy, int ky) => oy * StrideH - PadTop + ky * DilationH;

    /// <summary>
    /// The input column that tap column <paramref name="kx"/> of output column <paramref name="ox"/> reads (outside [0, W) in the padding).
    /// </summary>
    public int InputColumn(int ox, int kx) => ox * StrideW - PadLeft + kx * DilationW;

    /// <summary>Output size along one axis, or throws naming <paramref name="where"/> when the window does not fit.</summary>
    public (int H, int W) OutputSize(int h, int w, string where)
    {
        if (KernelH <= 0 || KernelW <= 0 || StrideH <= 0 || StrideW <= 0 || DilationH <= 0 || DilationW <= 0)
        {
            throw new InvalidModelException($"{where}: kernel, stride and dilation must be positive (got {this})");
        }
        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0)
        {
            throw new InvalidModelException($"{where}: pads must be non-negative (got {this})");
        }
        int oh = Axis(h, KernelH, StrideH, PadTop, PadBottom, DilationH);
        int ow = Axis(w, KernelW, StrideW, PadLeft, PadRight, DilationW);
        if (oh <= 0 || ow <= 0)
        {
            throw new InvalidModelException($"{where}: a {KernelH}×{KernelW} window does not fit a {h}×{w} input with these pads");
        }
        return (oh, ow);
    }

    /// <summary>
    /// Output size of the transposed convolution (ConvTranspose) with this window: along each axis
    /// (size − 1)·stride + dilation·(kernel − 1) + 1 + outputPadding − padBegin − padEnd, where the pads crop the
    /// full output (a negative pad adds cells that no input reaches, as an output_shape beyond the full output asks).
    /// Throws naming <paramref name="where"/> when an axis comes out empty.
    /// </summary>
    public (int H, int W) TransposedOutputSize(int h, int w, int outputPaddingH, int outputPaddingW, string where)
    {
        if (KernelH <= 0 || KernelW <= 0 || StrideH <= 0 || StrideW <= 0 || DilationH <= 0 || DilationW <= 0 || CeilMode)
        {
            throw new InvalidModelException($"{where}: kernel, stride and dilation must be positive and ceil mode unset (got {this})");
        }
        if (outputPaddingH < 0 || outputPaddingW < 0)
        {
            throw new InvalidModelException($"{where}: output padding must be non-negative (got {outputPaddingH},{outputPaddingW})");
        }
        long oh = ((long)h - 1) * StrideH + (long)DilationH * (KernelH - 1) + 1 + outputPaddingH - PadTop - PadBottom;
        long ow = ((long)w - 1) * StrideW + (long)DilationW * (KernelW - 1) + 1 + outputPaddingW - PadLeft - PadRight;
        if (oh <= 0 || ow <= 0 || oh > int.MaxValue || ow > int.MaxValue)
        {
            throw new InvalidModelException($"{where}: a transposed {KernelH}×{KernelW} window ({this}) over a {h}×{w} input "
                + $"gives a {oh}×{ow} output");
        }
        return ((int)oh, (int)ow);
    }

    private int Axis(int size, int kernel, int stride, int padBegin, int padEnd, int dilation)
    {
        long span = (long)dilation * (kernel - 1) + 1;
        long room = (long)size + padBegin + padEnd - span;
        if (room < 0) return 0;
        long o = CeilMode ? (room + stride - 1) / stride + 1 : room / stride + 1;
        // With ceil_mode the last window must start inside the input or its leading padding (as PyTorch and ONNX Runtime do).
        if (CeilMode && (o - 1) * stride >= size + padBegin) o--;
        return (int)o;
    }

    public override string ToString()
    {
        string s = $"k={KernelH}×{KernelW} s={StrideH}×{StrideW}";
        if (PadTop != 0 || PadLeft != 0 || PadBottom != 0 || PadRight != 0) s += $" p={PadTop},{PadLeft},{PadBottom},{PadRight}";
        if (DilationH != 1 || DilationW != 1) s += $" d={DilationH}×{DilationW}";
        if (CeilMode) s += " ceil";
        return s;
    }
}
