using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// Windowed ops over [N, C, H, W] and, one row high, over [N, C, L]: Conv, MaxPool, AveragePool, GlobalAveragePool.
/// </summary>
internal sealed partial class GraphImporter
{
    private void Conv(OnnxNode n)
    {
        n.RequireInputs(2, 3);
        var (x, pad) = SpatialInput(n);
        var (weight, kernel) = WindowWeight(n, x.OutputShape, "convolution", "[M, C/group, kH, kW] or [M, C/group, k]");
        int group = n.SmallInt("group", 1);
        float[]? bias = n.HasInput(2) ? n.Weight(2, "bias").Floats : null;
        Window2d window = ResolveWindow(n, kernel, x.OutputShape, pad, ceilMode: null);
        SetOutput(n, n.Make(() => new Conv2dNode(n.Name, x, weight, bias, window, group)));
    }

    /// <summary>
    /// The weight (input 1) of a Conv or ConvTranspose over <paramref name="input"/>, with the kernel size from its
    /// trailing dims (which kernel_shape, when given, must repeat); a 1-D weight [A, B, k] becomes [A, B, 1, k].
    /// </summary>
    private static (FloatTensor Weight, int[] Kernel) WindowWeight(OnnxNode n, Shape input, string what, string layout)
    {
        int spatial = input.Rank - 1;
        ConstTensor w = n.Weight(1, "weight");
        if (w.Rank is not (3 or 4))
        {
            n.Unsupported($"only 1-D and 2-D {what} are supported (weight '{Text.Clean(w.Name)}' is {w.DimsText}, expected {layout})");
        }
        if (w.Rank != spatial + 2)
        {
            n.Fail($"weight '{Text.Clean(w.Name)}' {w.DimsText} does not match the input [N, {string.Join(", ", input)}]");
        }
        int[] weightKernel = w.Dims[2..];
        int[] kernel = n.SmallInts("kernel_shape", spatial, weightKernel);
        if (!kernel.AsSpan().SequenceEqual(weightKernel))
        {
            n.Fail($"kernel_shape [{string.Join(", ", kernel)}] does not match weight {w.DimsText}");
        }
        int[] dims = spatial == 1 ? [w.Dims[0], w.Dims[1], 1, w.Dims[2]] : w.Dims;
        return (new FloatTensor(dims, w.Floats), kernel);
    }

    private void Pool(OnnxNode n, PoolKind kind)
    {
        n.RequireInputs(1, 1);
        var (x, pad) = SpatialInput(n);
        int spatial = x.OutputShape.Rank - 1;
        int[] kernel = n.Ints("kernel_shape") is { } k
            ? (k.Length == spatial
                ? n.SmallInts("kernel_shape", spatial, [])
                : k.Length is 1 or 2
                    ? n.Fail<int[]>($"kernel_shape has {k.Length} values, but the input [N, {string.Join(", ", x.OutputShape)}] "
                        + $"has {spatial} spatial axes")
                    : n.Unsupported<int[]>($"only 1-D and 2-D pooling are supported (kernel_shape has {k.Length} values)"))
            : n.Fail<int[]>("attribute kernel_shape is required");
        if (kernel.Any(k => k <= 0)) n.Fail($"kernel_shape [{string.Join(", ", kernel)}] must be positive");
        bool ceil = n.Int("ceil_mode", 0) != 0; // MaxPool's storage_order orders only its Indices output, refused when used
        Window2d window = ResolveWindow(n, kernel, x.OutputShape, pad, ceil);
        bool ownPads = window.PadTop != pad.Top || window.PadLeft != pad.Left
            || window.PadBottom != pad.Bottom || window.PadRight != pad.Right;
        bool countIncludePad = kind == PoolKind.Average && n.Int("count_include_pad", 0) != 0;
        if (kind == PoolKind.Average && pad != default)
        {
            // A folded Pad's zeros are real elements to the pooling; they can only join the node's own pads when
            // those count too.
            if (ownPads && !countIncludePad) n.Unsupported("a Pad folded into an AveragePool with its own pads needs count_include_pad=1");
            countIncludePad = true;
        }
        if (kind == PoolKind.Max || !countIncludePad) RequireInputInEveryWindow(n, window, x.OutputShape);
        SetOutput(n, n.Make(() => new Pool2dNode(n.Name, x, kind, window, countIncludePad)));
    }

    /// <summary>
    /// Refuses a pooling window that holds no element of the input, only padding (a dilated window can straddle a
    /// small input; a folded Pad can be wider than the kernel). Its maximum, or its mean without the padding, is
    /// undefined: ONNX Runtime yields the lowest float for MaxPool, and for a folded Pad the true maximum would be 0.
    /// </summary>
    private static void RequireInputInEveryWindow(OnnxNode n, Window2d w, Shape input)
    {
        var (oh, ow) = n.Make(() => w.OutputSize(input.Height, input.Width, n.Name));
        int row = FirstEmptyWindow(input.Height, oh, w.KernelH, w.StrideH, w.PadTop, w.DilationH);
        int column = FirstEmptyWindow(input.Width, ow, w.KernelW, w.StrideW, w.PadLeft, w.DilationW);
        if (row >= 0 || column >= 0)
        {
            string where = row >= 0 ? $"output row {row}" : $"output column {column}";
            n.Fail($"the window ({w}) at {where} covers only padding of the {input.Height}×{input.Width} input, "
                + "so its value is undefined");
        }
    }

    /// <summary>The first output position along one axis whose window has no tap inside [0, size), or −1.</summary>
    private static int FirstEmptyWindow(int size, int outputs, int kernel, int stride, int padBegin, int dilation)
    {
        for (int o = 0; o < outputs; o++)
        {
            // The window's first tap at or after 0 (taps sit at start + i·dilation, i < kernel) must exist and be < size.
            long start = ((long)o * stride) - padBegin;
            long skipped = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
            if (skipped >= kernel || start + (skipped * dilation) >= size) return o;
        }
        return -1;
    }

    private void GlobalAveragePool(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        TensorValue x = n.Tensor(0);
        if (!x.Shape.IsSpatial)
        {
            n.Unsupported($"only [N, C, H, W] and [N, C, L] inputs are supported (got [N, {string.Join(", ", x.Shape)}])");
        }
        SetOutput(n, n.Make(() => new GlobalAvgPoolNode(n.Name, x.Node)));
    }

    /// <summary>GlobalMaxPool: a max pooling whose window is the whole plane (or sequence).</summary>
    private void GlobalMaxPool(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        TensorValue x = n.Tensor(0);
        if (!x.Shape.IsSpatial)
        {
            n.Unsupported($"only [N, C, H, W] and [N, C, L] inputs are supported (got [N, {string.Join(", ", x.Shape)}])");
        }
        var window = new Window2d(x.Shape.Height, x.Shape.Width, 1, 1, 0, 0, 0, 0);
        SetOutput(n, n.Make(() => new Pool2dNode(n.Name, x.Node, PoolKind.Max, window)));
    }

    /// <summary>Input 0 of a windowed op with the pads of a folded Pad (zero when there is none).</summary>
    private static (Node Node, (int Top, int Left, int Bottom, int Right) Pad) SpatialInput(OnnxNode n)
    {
        var (node, pad) = n.Input(0) switch
        {
            PaddedValue p => (p.Source, (p.Top, p.Left, p.Bottom, p.Right)),
            _ => (n.Tensor(0).Node, default((int, int, int, int))),
        };
        if (!node.OutputShape.IsSpatial)
        {
            n.Unsupported($"only 2-D inputs [N, C, H, W] and 1-D inputs [N, C, L] are supported "
                + $"(got [N, {string.Join(", ", node.OutputShape)}])");
        }
        return (node, pad);
    }

    /// <summary>
    /// The window of a Conv or pooling node from strides, dilations, pads or auto_pad (resolved against the input
    /// size), plus the pads of a folded Pad. <paramref name="ceilMode"/> is null for Conv, set for pooling. A 1-D
    /// window (one kernel value, over [N, C, L]) becomes a 2-D one a single row high.
    /// </summary>
    private static Window2d ResolveWindow(OnnxNode n, int[] kernel, Shape input, (int Top, int Left, int Bottom, int Right) extra,
        bool? ceilMode)
    {
        var (strides, dilations, pads) = WindowAttributes(n, kernel.Length);
        if (kernel.Length == 1) kernel = [1, kernel[0]];
        if (strides.Any(s => s <= 0) || dilations.Any(d => d <= 0))
        {
            n.Fail($"strides [{string.Join(", ", strides)}] and dilations [{string.Join(", ", dilations)}] must be positive");
        }
        string autoPad = n.String("auto_pad", "NOTSET");
        if (autoPad != "NOTSET" && pads.Any(p => p != 0)) n.Fail($"auto_pad={Text.Clean(autoPad)} and explicit pads cannot both be given");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            int h = input.Height + extra.Top + extra.Bottom, w = input.Width + extra.Left + extra.Right;
            var (top, bottom) = SamePads(h, kernel[0], strides[0], dilations[0], autoPad == "SAME_UPPER");
            var (left, right) = SamePads(w, kernel[1], strides[1], dilations[1], autoPad == "SAME_UPPER");
            pads = [top, left, bottom, right];
        }
        else if (autoPad is not ("NOTSET" or "VALID"))
        {
            n.Unsupported($"auto_pad={Text.Clean(autoPad)} is not supported; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        }
        if (pads.Any(p => p < 0)) n.Fail($"pads [{string.Join(", ", pads)}] must not be negative");
        if (ceilMode is not null && (Math.Max(pads[0], pads[2]) >= kernel[0] || Math.Max(pads[1], pads[3]) >= kernel[1]))
        {
            // A window lying wholly in the padding would have no input to pool (as ONNX Runtime also refuses).
            n.Fail($"pads [{string.Join(", ", pads)}] must be smaller than the kernel {kernel[0]}×{kernel[1]}");
        }
        return new Window2d(kernel[0], kernel[1], strides[0], strides[1],
            pads[0] + extra.Top, pads[1] + extra.Left, pads[2] + extra.Bottom, pads[3] + extra.Right,
            dilations[0], dilations[1], ceilMode ?? false);
    }

    /// <summary>
    /// Strides, dilations and pads [top, left, bottom, right] of a window with <paramref name="spatial"/> axes, as
    /// for 2-D: a 1-D window's values go to the W axis (stride and dilation 1, no pads along H).
    /// </summary>
    private static (int[] Strides, int[] Dilations, int[] Pads) WindowAttributes(OnnxNode n, int spatial)
    {
        int[] strides = n.SmallInts("strides", spatial, [.. Enumerable.Repeat(1, spatial)]);
        int[] dilations = n.SmallInts("dilations", spatial, [.. Enumerable.Repeat(1, spatial)]);
        int[] pads = n.SmallInts("pads", 2 * spatial, new int[2 * spatial]);
        return spatial == 1 ? ([1, strides[0]], [1, dilations[0]], [0, pads[0], 0, pads[1]]) : (strides, dilations, pads);
    }

    /// <summary>SAME padding: the output is ceil(size / stride); an odd total goes to the end (upper) or the beginning (lower).</summary>
    private static (int Begin, int End) SamePads(int size, int kernel, int stride, int dilation, bool upper)
    {
        long output = ((long)size + stride - 1) / stride;
        long total = Math.Max(0, (output - 1) * stride + (long)(kernel - 1) * dilation + 1 - size);
        int small = (int)(total / 2), large = (int)(total - total / 2);
        return upper ? (small, large) : (large, small);
    }

    /// <summary>Whether every value <paramref name="node"/> outputs is known to be ≥ 0.</summary>
    private static bool IsNonNegative(Node node) => node switch
    {
        ReluNode or QuantizedClipNode => true,
        ClipNode c => c.Min >= 0 && c.Max >= 0, // with min > max every output is max
        Pool2dNode or GlobalAvgPoolNode or IdentityNode or ReshapeNode => IsNonNegative(node.Inputs[0]),
        ConcatNode or AddNode => node.Inputs.All(IsNonNegative),
        TransposeNode => IsNonNegative(node.Inputs[0]),
        PadNode p => (p.Mode != PadMode.Constant || p.Value >= 0) && IsNonNegative(node.Inputs[0]),
        _ => false,
    };
}
