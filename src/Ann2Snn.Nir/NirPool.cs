namespace Ann2Snn.Nir;

/// <summary>
/// The geometry of a NIR SumPool2d or AvgPool2d node over (C, H, W): kernel, stride and symmetric padding (h, w);
/// out = ⌊(in + 2·pad − k)/s⌋ + 1. AvgPool2d divides by kH·kW (padded cells included, PyTorch's default).
/// </summary>
internal sealed record NirPool(int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW)
{
    public static NirPool Read(string at, NirNode node)
    {
        int[] k = NirConv.Pair(at, node, "kernel_size", false), s = NirConv.Pair(at, node, "stride", false);
        int[] p = NirConv.Pair(at, node, "padding", false);
        if (k.Any(x => x <= 0) || s.Any(x => x <= 0) || p.Any(x => x < 0))
        {
            ThrowHelper.InvalidModel($"{at}: kernel_size and stride must be positive, padding not negative");
        }
        return new NirPool(k[0], k[1], s[0], s[1], p[0], p[1]);
    }

    public int[] OutputShape(string at, int[] input)
    {
        if (input.Length != 3) ThrowHelper.InvalidModel($"{at}: pools a (C, H, W) input, got {NirValidator.Show(input)}");
        int h = (input[1] + 2 * PadH - KernelH) / StrideH + 1, w = (input[2] + 2 * PadW - KernelW) / StrideW + 1;
        if (input[1] + 2 * PadH < KernelH || input[2] + 2 * PadW < KernelW)
        {
            ThrowHelper.InvalidModel($"{at}: the window does not fit the input {NirValidator.Show(input)}");
        }
        return [input[0], h, w];
    }
}
