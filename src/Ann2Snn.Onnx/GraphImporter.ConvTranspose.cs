using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Onnx;

/// <summary>ConvTranspose over [N, C, H, W] and, one row high, over [N, C, L].</summary>
internal sealed partial class GraphImporter
{
    /// <summary>
    /// ConvTranspose with weight [C, M/group, kH, kW] (or [C, M/group, k]): strides, dilations, group, output_padding,
    /// and the pads that crop the full output, given explicitly, by auto_pad (SAME: output = input·stride), or by
    /// output_shape (total pads = stride·(in − 1) + output_padding + (k − 1)·dilation + 1 − out, split as ONNX says:
    /// the odd one at the end for SAME_UPPER, at the beginning otherwise; an output_shape beyond the full output adds
    /// the missing cells at the end, holding only the bias, as the ONNX node tests and ONNX Runtime do).
    /// </summary>
    private void ConvTranspose(OnnxNode n)
    {
        n.RequireInputs(2, 3);
        TensorValue x = n.Tensor(0);
        if (!x.Shape.IsSpatial)
        {
            n.Unsupported($"only 2-D inputs [N, C, H, W] and 1-D inputs [N, C, L] are supported (got [N, {string.Join(", ", x.Shape)}])");
        }
        int spatial = x.Shape.Rank - 1;
        var (weight, kernel) = WindowWeight(n, x.Shape, "transposed convolution", "[C, M/group, kH, kW] or [C, M/group, k]");
        int group = n.SmallInt("group", 1);
        float[]? bias = n.HasInput(2) ? n.Weight(2, "bias").Floats : null;

        var (strides, dilations, pads) = WindowAttributes(n, spatial);
        if (strides.Any(s => s <= 0) || dilations.Any(d => d <= 0))
        {
            n.Fail($"strides [{string.Join(", ", strides)}] and dilations [{string.Join(", ", dilations)}] must be positive");
        }
        int[] outputPadding = n.SmallInts("output_padding", spatial, new int[spatial]);
        if (outputPadding.Any(p => p < 0)) n.Fail($"output_padding [{string.Join(", ", outputPadding)}] must not be negative");
        if (spatial == 1) outputPadding = [0, outputPadding[0]];
        int[] k2 = spatial == 1 ? [1, kernel[0]] : kernel;
        int[] size = [x.Shape.Height, x.Shape.Width];
        string autoPad = n.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER"))
        {
            n.Unsupported($"auto_pad={Text.Clean(autoPad)} is not supported; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        }
        if (autoPad != "NOTSET" && pads.Any(p => p != 0)) n.Fail($"auto_pad={Text.Clean(autoPad)} and explicit pads cannot both be given");
        if (pads.Any(p => p < 0)) n.Fail($"pads [{string.Join(", ", pads)}] must not be negative");
        if (n.Ints("output_shape") is { } requested)
        {
            int[] target = OutputShapeTarget(n, requested, x.Shape, spatial);
            for (int a = 0; a < 2; a++)
            {
                long full = (long)strides[a] * (size[a] - 1) + outputPadding[a] + ((long)(k2[a] - 1) * dilations[a]) + 1;
                long total = full - target[a];
                (pads[a], pads[a + 2]) = total >= 0 ? Split(total, autoPad == "SAME_UPPER") : (0, (int)total);
            }
        }
        else if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (int a = 0; a < 2; a++)
            {
                long full = (long)strides[a] * (size[a] - 1) + outputPadding[a] + ((long)(k2[a] - 1) * dilations[a]) + 1;
                long total = Math.Max(0, full - (long)size[a] * strides[a]);
                (pads[a], pads[a + 2]) = Split(total, autoPad == "SAME_UPPER");
            }
        }
        var window = new Window2d(k2[0], k2[1], strides[0], strides[1], pads[0], pads[1], pads[2], pads[3], dilations[0], dilations[1]);
        SetOutput(n, n.Make(() => new ConvTranspose2dNode(n.Name, x.Node, weight, bias, window, group,
            outputPadding[0], outputPadding[1])));

        // ONNX: with SAME_UPPER the odd pad goes to the end, otherwise to the beginning.
        static (int Begin, int End) Split(long total, bool upper) =>
            upper ? ((int)(total / 2), (int)(total - total / 2)) : ((int)(total - total / 2), (int)(total / 2));
    }

    /// <summary>The spatial sizes output_shape asks for, as [H, W].</summary>
    private static int[] OutputShapeTarget(OnnxNode n, long[] requested, Shape x, int spatial)
    {
        if (requested.Length != spatial || requested.Any(d => d is <= 0 or > int.MaxValue))
        {
            n.Fail($"output_shape [{string.Join(", ", requested)}] must hold {spatial} positive sizes (the spatial output shape)");
        }
        int[] target = Array.ConvertAll(requested, d => (int)d);
        return spatial == 1 ? [x.Height, target[0]] : target;
    }
}
