using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>Windowed ops over [N, C, H, W]: Conv, MaxPool, AveragePool, GlobalAveragePool, and the Pad that folds into them.</summary>
internal sealed partial class GraphImporter
{
    private void Conv(OnnxNode n)
    {
        n.RequireInputs(2, 3);
        var (x, pad) = SpatialInput(n);
        ConstTensor w = n.Weight(1, "weight");
        if (w.Rank != 4) n.Unsupported($"only 2-D convolution is supported (weight '{Text.Clean(w.Name)}' is {w.DimsText}, "
            + "expected [M, C/group, kH, kW])");
        int[] kernel = n.SmallInts("kernel_shape", 2, [w.Dims[2], w.Dims[3]]);
        if (kernel[0] != w.Dims[2] || kernel[1] != w.Dims[3])
        {
            n.Fail($"kernel_shape [{kernel[0]}, {kernel[1]}] does not match weight {w.DimsText}");
        }
        int group = n.SmallInt("group", 1);
        float[]? bias = n.HasInput(2) ? n.Weight(2, "bias").Floats : null;
        Window2d window = ResolveWindow(n, kernel, x.OutputShape, pad, ceilMode: null);
        SetOutput(n, n.Make(() => new Conv2dNode(n.Name, x, new FloatTensor(w.Dims, w.Floats), bias, window, group)));
    }

    private void Pool(OnnxNode n, PoolKind kind)
    {
        n.RequireInputs(1, 1);
        var (x, pad) = SpatialInput(n);
        int[] kernel = n.Ints("kernel_shape") is { } k
            ? (k.Length == 2
                ? n.SmallInts("kernel_shape", 2, [])
                : n.Unsupported<int[]>($"only 2-D pooling is supported (kernel_shape has {k.Length} values)"))
            : n.Fail<int[]>("attribute kernel_shape is required");
        if (kernel.Any(k => k <= 0)) n.Fail($"kernel_shape [{string.Join(", ", kernel)}] must be positive");
        bool ceil = n.Int("ceil_mode", 0) != 0; // MaxPool's storage_order=1 is refused by the version table
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
        if (x.Shape.Rank != 3) n.Unsupported($"only [N, C, H, W] inputs are supported (got [N, {string.Join(", ", x.Shape)}])");
        SetOutput(n, n.Make(() => new GlobalAvgPoolNode(n.Name, x.Node)));
    }

    /// <summary>
    /// A zero, spatial-only Pad becomes part of the window of the single Conv or pooling node it feeds (PyTorch exports
    /// AvgPool2d with padding as Pad + AveragePool). Any other Pad is refused.
    /// </summary>
    private void Pad(OnnxNode n)
    {
        n.RequireInputs(1, 4);
        TensorValue x = n.Tensor(0);
        string mode = n.String("mode", "constant");
        if (mode != "constant") n.Unsupported($"mode={Text.Clean(mode)} is not supported; only constant (zero) padding is");
        long[] pads;
        float value;
        int[] axes = [0, 1, 2, 3];
        if (n.Opset < 11)
        {
            pads = n.Ints("pads") ?? n.Fail<long[]>("attribute pads is required");
            value = n.Float("value", 0);
        }
        else
        {
            pads = n.Integers(1, "pads");
            value = n.HasInput(2) ? n.Scalar(2, "constant_value") : 0;
            if (n.HasInput(3)) axes = NormalizeAxes(n, n.Integers(3, "axes"), 4);
        }
        if (x.Shape.Rank != 3) n.Unsupported($"only padding of [N, C, H, W] tensors is supported (got [N, {string.Join(", ", x.Shape)}])");
        if (pads.Length != 2 * axes.Length) n.Fail($"pads has {pads.Length} values, expected {2 * axes.Length}");
        var begin = new long[4];
        var end = new long[4];
        for (int i = 0; i < axes.Length; i++)
        {
            begin[axes[i]] = pads[i];
            end[axes[i]] = pads[i + axes.Length];
        }
        string text = $"pads=[{string.Join(", ", pads)}]";
        if (value != 0) n.Unsupported($"constant_value={value} is not supported; only zero padding is");
        if (begin.Concat(end).Any(p => p < 0)) n.Unsupported($"{text} crops (negative pads); not supported");
        if (begin[0] != 0 || end[0] != 0 || begin[1] != 0 || end[1] != 0) n.Unsupported($"{text} pads the batch or channel axis; "
            + "only H and W may be padded");
        if (begin.Concat(end).Any(p => p > 1 << 16)) n.Fail($"{text} is implausibly large");
        if (begin[2] == 0 && begin[3] == 0 && end[2] == 0 && end[3] == 0)
        {
            SetOutput(n, x);
            return;
        }
        NodeProto? consumer = SoleConsumer(n.Outputs[0]);
        if (consumer is null || consumer.Domain is not ("" or "ai.onnx") || consumer.OpType is not ("Conv" or "AveragePool" or "MaxPool")
            || consumer.Input[0] != n.Outputs[0])
        {
            n.Unsupported("Pad is supported only where it feeds a single Conv, AveragePool or MaxPool, which takes over its pads");
        }
        if (consumer.OpType == "MaxPool" && !IsNonNegative(x.Node))
        {
            // Zero padding equals MaxPool's own (-inf) padding only when no input value is below zero.
            n.Unsupported("zero Pad before MaxPool folds only when its input is non-negative (after Relu); "
                + "here it could change the maxima");
        }
        SetOutput(n, new PaddedValue(x.Node, (int)begin[2], (int)begin[3], (int)end[2], (int)end[3], n.Name));
    }

    /// <summary>Input 0 of a windowed op with the pads of a folded Pad (zero when there is none).</summary>
    private static (Node Node, (int Top, int Left, int Bottom, int Right) Pad) SpatialInput(OnnxNode n)
    {
        var (node, pad) = n.Input(0) switch
        {
            PaddedValue p => (p.Source, (p.Top, p.Left, p.Bottom, p.Right)),
            _ => (n.Tensor(0).Node, default((int, int, int, int))),
        };
        if (node.OutputShape.Rank != 3)
        {
            n.Unsupported($"only 2-D inputs [N, C, H, W] are supported (got [N, {string.Join(", ", node.OutputShape)}])");
        }
        return (node, pad);
    }

    /// <summary>
    /// The window of a Conv or pooling node from strides, dilations, pads or auto_pad (resolved against the input
    /// size), plus the pads of a folded Pad. <paramref name="ceilMode"/> is null for Conv, set for pooling.
    /// </summary>
    private static Window2d ResolveWindow(OnnxNode n, int[] kernel, Shape input, (int Top, int Left, int Bottom, int Right) extra,
        bool? ceilMode)
    {
        int[] strides = n.SmallInts("strides", 2, [1, 1]);
        int[] dilations = n.SmallInts("dilations", 2, [1, 1]);
        if (strides.Any(s => s <= 0) || dilations.Any(d => d <= 0))
        {
            n.Fail($"strides [{string.Join(", ", strides)}] and dilations [{string.Join(", ", dilations)}] must be positive");
        }
        string autoPad = n.String("auto_pad", "NOTSET");
        int[] pads = n.SmallInts("pads", 4, [0, 0, 0, 0]);
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
        ReluNode => true,
        ClipNode c => c.Min >= 0 && c.Max >= 0, // with min > max every output is max
        Pool2dNode or GlobalAvgPoolNode or IdentityNode or ReshapeNode => IsNonNegative(node.Inputs[0]),
        ConcatNode or AddNode => node.Inputs.All(IsNonNegative),
        _ => false,
    };
}
