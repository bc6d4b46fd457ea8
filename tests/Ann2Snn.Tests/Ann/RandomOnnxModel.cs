using Ann2Snn.Tests.TestUtil;
using Onnx;

namespace Ann2Snn.Tests.Ann;

/// <summary>
/// A random ONNX model over the operators the importer maps, drawn from a seed with <see cref="OnnxBuilder"/>: a
/// stack of spatial steps (Conv of any kernel 1–5, stride, asymmetric pads, dilation, groups or depthwise, auto_pad;
/// BatchNormalization; Relu/Clip; MaxPool/AveragePool with pads, ceil_mode, count_include_pad; residual Add of two
/// branches; channel Concat; Add/Sub/Mul/Div by constants of every broadcastable shape; Dropout/Identity), a way to a
/// vector (Flatten, Reshape, GlobalAveragePool + Flatten/Squeeze/Reshape), a stack of vector steps (Gemm with
/// transB/alpha/beta/C, MatMul with or without its bias Add, the element-wise steps, residual Add) and sometimes a
/// Softmax/LogSoftmax; opset 11–17; weights scaled to keep activations of order one.
/// </summary>
/// <remarks>
/// Shapes are tracked by the generator with the ONNX formulas (not by our importer), so a shape disagreement shows up
/// as a failure rather than being copied into the model. <see cref="Steps"/> lists every step with its parameters and
/// output shape, to reproduce a failure by hand.
/// </remarks>
internal sealed class RandomOnnxModel
{
    private readonly Random _rng;
    private readonly OnnxBuilder _b;
    private readonly List<string> _steps = [];

    /// <summary>A computed value of the model: its name and per-sample shape ([C, H, W] or [F]).</summary>
    private readonly record struct Value(string Name, int[] Shape)
    {
        public bool Spatial => Shape.Length == 3;
        public int C => Shape[0];
        public int H => Shape[1];
        public int W => Shape[2];
        public int Size => Shape.Aggregate(1, (a, b) => a * b);
        public override string ToString() => $"[{string.Join(", ", Shape)}]";
    }

    private RandomOnnxModel(int seed)
    {
        Seed = seed;
        _rng = new Random(seed);
        Opset = _rng.Next(11, 18);
        _b = new OnnxBuilder(Opset, $"random_{seed}");
        Batch = _rng.Next(1, 6);
        Value x = _rng.Next(100) < 85
            ? new Value("x", [_rng.Next(1, 5), _rng.Next(4, 13), _rng.Next(4, 13)])
            : new Value("x", [_rng.Next(1, 41)]);
        _b.Input("x", x.Shape);
        InputShape = x.Shape;
        _steps.Add($"opset {Opset}, batch {Batch}, input x {x}");
        bool computed = false;
        if (x.Spatial)
        {
            for (int k = _rng.Next(1, 7); k > 0; k--) x = SpatialStep(x);
            computed = true;
            if (_rng.Next(10) != 0) x = ToVector(x);
        }
        if (!x.Spatial)
        {
            for (int k = _rng.Next(computed ? 0 : 1, 5); k > 0; k--) x = VectorStep(x);
            if (_rng.Next(4) == 0) x = Softmax(x);
        }
        _b.Output(x.Name);
        OutputShape = x.Shape;
        Bytes = _b.ToBytes();
    }

    public static RandomOnnxModel Generate(int seed) => new(seed);

    public int Seed { get; }
    public int Opset { get; }

    /// <summary>Samples in the batch to run (1–5).</summary>
    public int Batch { get; }

    public int[] InputShape { get; }

    /// <summary>Per-sample output shape as the generator computed it.</summary>
    public int[] OutputShape { get; }

    public byte[] Bytes { get; }

    /// <summary>The graph's nodes' op types, for coverage counts.</summary>
    public IEnumerable<string> OpTypes => _b.Graph.Node.Select(n => n.OpType);

    /// <summary>One line per step: op, parameters, output shape.</summary>
    public string Steps => string.Join("\n", _steps);

    // ---- steps on [C, H, W] ----

    private Value SpatialStep(Value x) => _rng.Next(13) switch
    {
        <= 2 => Conv(x, preserve: false),
        3 => BatchNorm(x),
        4 or 5 => Activation(x),
        6 or 7 => Pool(x, preserve: false),
        8 => ConstantArithmetic(x),
        9 => PassThrough(x),
        10 or 11 => Residual(x),
        _ => Concat(x),
    };

    /// <summary>A step that keeps the shape, for the branches of a residual Add.</summary>
    private Value Preserving(Value x)
    {
        if (!x.Spatial)
        {
            return _rng.Next(5) switch
            {
                0 => Gemm(x, x.C),
                1 => BatchNorm(x),
                2 => Activation(x),
                3 => ConstantArithmetic(x),
                _ => PassThrough(x),
            };
        }
        return _rng.Next(6) switch
        {
            0 or 1 => Conv(x, preserve: true),
            2 => BatchNorm(x),
            3 => Activation(x),
            4 => Pool(x, preserve: true),
            _ => ConstantArithmetic(x),
        };
    }

    /// <summary>
    /// Conv with random geometry; with <paramref name="preserve"/> (or <paramref name="outChannels"/>) stride 1 and
    /// pads summing to the dilated kernel extent, split unevenly, so H and W are kept.
    /// </summary>
    private Value Conv(Value x, bool preserve, int? outChannels = null)
    {
        preserve |= outChannels is not null;
        int c = x.C;
        bool depthwise = c > 1 && _rng.Next(4) == 0;
        int group = depthwise ? c : 1;
        int o = preserve
            ? outChannels ?? c
            : depthwise ? c * _rng.Next(1, 3) : _rng.Next(1, 9);
        if (depthwise && o % c != 0) (group, depthwise) = (1, false);
        int kh = _rng.Next(1, 6), kw = _rng.Next(2) == 0 ? kh : _rng.Next(1, 6);
        int dh = _rng.Next(3) == 0 ? 2 : 1, dw = _rng.Next(3) == 0 ? 2 : 1;
        int sh = preserve ? 1 : _rng.Next(1, 3), sw = preserve ? 1 : _rng.Next(1, 3);
        string autoPad = "NOTSET";
        int[] pads;
        if (preserve)
        {
            int th = (kh - 1) * dh, tw = (kw - 1) * dw;
            int top = _rng.Next(th + 1), left = _rng.Next(tw + 1);
            pads = [top, left, th - top, tw - left];
        }
        else
        {
            pads = _rng.Next(3) == 0 ? [0, 0, 0, 0] : [_rng.Next(3), _rng.Next(3), _rng.Next(3), _rng.Next(3)];
            (kh, dh) = Fit(x.H + pads[0] + pads[2], kh, dh);
            (kw, dw) = Fit(x.W + pads[1] + pads[3], kw, dw);
            if (_rng.Next(8) == 0)
            {
                autoPad = _rng.Next(3) switch { 0 => "VALID", 1 => "SAME_UPPER", _ => "SAME_LOWER" };
                pads = [0, 0, 0, 0];
                if (autoPad != "VALID") (dh, dw) = (1, 1); // ONNX Runtime refuses dilation with SAME padding
                (kh, dh) = Fit(x.H, kh, dh);
                (kw, dw) = Fit(x.W, kw, dw);
            }
        }
        int oh = autoPad.StartsWith("SAME", StringComparison.Ordinal) ? Ceil(x.H, sh) : ConvOut(x.H, kh, sh, pads[0], pads[2], dh);
        int ow = autoPad.StartsWith("SAME", StringComparison.Ordinal) ? Ceil(x.W, sw) : ConvOut(x.W, kw, sw, pads[1], pads[3], dw);

        string w = Weight([o, c / group, kh, kw], (c / group) * kh * kw);
        var inputs = new List<string> { x.Name, w };
        if (_rng.Next(3) != 0) inputs.Add(Constant([o], -0.5f, 0.5f));
        var attrs = new List<AttributeProto>();
        if (Maybe()) attrs.Add(OnnxAttr.Ints("kernel_shape", kh, kw));
        if (sh != 1 || sw != 1 || Maybe()) attrs.Add(OnnxAttr.Ints("strides", sh, sw));
        if (dh != 1 || dw != 1 || Maybe()) attrs.Add(OnnxAttr.Ints("dilations", dh, dw));
        if (autoPad != "NOTSET" || Maybe(8)) attrs.Add(OnnxAttr.String("auto_pad", autoPad));
        if (pads.Any(p => p != 0) || (autoPad == "NOTSET" && Maybe())) attrs.Add(OnnxAttr.Ints("pads", [.. pads.Select(p => (long)p)]));
        if (group != 1 || Maybe()) attrs.Add(OnnxAttr.Int("group", group));
        var y = new Value(_b.Fresh(), [o, oh, ow]);
        _b.Node("Conv", [.. inputs], y.Name, [.. attrs]);
        Log("Conv", $"o={o} k={kh}x{kw} s={sh}x{sw} d={dh}x{dw} pads=[{string.Join(",", pads)}] "
            + $"auto_pad={autoPad} group={group} bias={inputs.Count == 3}", y);
        return y;
    }

    private Value BatchNorm(Value x)
    {
        int c = x.C;
        string scale = Constant([c], 0.5f, 1.5f, signed: true), bias = Constant([c], -0.5f, 0.5f);
        string mean = Constant([c], -0.5f, 0.5f), variance = Constant([c], 0.2f, 2f);
        float epsilon = _rng.Next(3) switch { 0 => 1e-5f, 1 => 1e-3f, _ => 0.1f };
        var y = new Value(_b.Fresh(), x.Shape);
        _b.Node("BatchNormalization", [x.Name, scale, bias, mean, variance], y.Name,
            epsilon == 1e-5f && Maybe() ? [] : [OnnxAttr.Float("epsilon", epsilon)]);
        Log("BatchNormalization", $"epsilon={epsilon}", y);
        return y;
    }

    /// <summary>Relu, or Clip with optional min and max inputs (opset ≥ 11).</summary>
    private Value Activation(Value x)
    {
        var y = new Value(_b.Fresh(), x.Shape);
        if (_rng.Next(3) != 0)
        {
            _b.Node("Relu", [x.Name], y.Name);
            Log("Relu", "", y);
            return y;
        }
        float? min = _rng.Next(4) switch { 0 => null, 1 => 0f, 2 => -0.5f, _ => -1f };
        float? max = _rng.Next(4) switch { 0 => null, 1 => 1f, 2 => 0.5f, _ => 6f };
        var inputs = new List<string> { x.Name };
        if (min is not null || max is not null) inputs.Add(min is { } lo ? Scalar(lo) : "");
        if (max is not null) inputs.Add(Scalar(max.Value));
        _b.Node("Clip", [.. inputs], y.Name);
        Log("Clip", $"min={min?.ToString() ?? "none"} max={max?.ToString() ?? "none"}", y);
        return y;
    }

    /// <summary>
    /// MaxPool or AveragePool; with <paramref name="preserve"/>, stride 1 and pads (each below the kernel) keeping H and W.
    /// </summary>
    private Value Pool(Value x, bool preserve)
    {
        bool max = _rng.Next(2) == 0;
        int kh = _rng.Next(1, 4), kw = _rng.Next(2) == 0 ? kh : _rng.Next(1, 4);
        // Dilated pooling: MaxPool only (AveragePool gained dilations in opset 19), and not along an axis of size 1,
        // where a window of taps two apart can miss the single element (the importer refuses such empty windows).
        int dh = max && x.H > 1 && _rng.Next(5) == 0 ? 2 : 1, dw = max && x.W > 1 && _rng.Next(5) == 0 ? 2 : 1;
        int sh, sw;
        int[] pads;
        bool ceil = false;
        if (preserve)
        {
            (sh, sw) = (1, 1);
            int top = SplitBelow(kh, (kh - 1) * dh), left = SplitBelow(kw, (kw - 1) * dw);
            pads = [top, left, (kh - 1) * dh - top, (kw - 1) * dw - left];
        }
        else
        {
            bool strideIsKernel = _rng.Next(3) == 0;
            sh = strideIsKernel ? kh : _rng.Next(1, 3);
            sw = strideIsKernel ? kw : _rng.Next(1, 3);
            pads = _rng.Next(2) == 0 ? [0, 0, 0, 0] : [_rng.Next(kh), _rng.Next(kw), _rng.Next(kh), _rng.Next(kw)];
            ceil = _rng.Next(3) == 0;
            // Shrink the window until it fits (pads stay below the kernel).
            while ((kh - 1) * dh + 1 > x.H + pads[0] + pads[2])
            {
                if (dh > 1) dh = 1;
                else { kh--; pads[0] = Math.Min(pads[0], kh - 1); pads[2] = Math.Min(pads[2], kh - 1); }
            }
            while ((kw - 1) * dw + 1 > x.W + pads[1] + pads[3])
            {
                if (dw > 1) dw = 1;
                else { kw--; pads[1] = Math.Min(pads[1], kw - 1); pads[3] = Math.Min(pads[3], kw - 1); }
            }
        }
        if (ceil)
        {
            // ONNX Runtime's shape inference sizes a ceil-mode output by the bare formula, while its kernels (like ours
            // and PyTorch) drop a last window that would start in the end padding; where the two differ, a later op
            // sized by the real output fails ONNX Runtime's checks. Trim the end pads until they agree (a dedicated
            // test covers that case with the pooling as the graph output).
            ceil = TrimForCeil(x.H, kh, sh, pads[0], ref pads[2], dh) & TrimForCeil(x.W, kw, sw, pads[1], ref pads[3], dw);
        }
        bool countIncludePad = !max && _rng.Next(2) == 0;
        int oh = PoolOut(x.H, kh, sh, pads[0], pads[2], dh, ceil), ow = PoolOut(x.W, kw, sw, pads[1], pads[3], dw, ceil);
        var attrs = new List<AttributeProto> { OnnxAttr.Ints("kernel_shape", kh, kw) };
        if (sh != 1 || sw != 1 || Maybe()) attrs.Add(OnnxAttr.Ints("strides", sh, sw));
        if (pads.Any(p => p != 0) || Maybe()) attrs.Add(OnnxAttr.Ints("pads", [.. pads.Select(p => (long)p)]));
        if (dh != 1 || dw != 1) attrs.Add(OnnxAttr.Ints("dilations", dh, dw));
        if (ceil || Maybe()) attrs.Add(OnnxAttr.Int("ceil_mode", ceil ? 1 : 0));
        if (countIncludePad || (!max && Maybe())) attrs.Add(OnnxAttr.Int("count_include_pad", countIncludePad ? 1 : 0));
        string op = max ? "MaxPool" : "AveragePool";
        var y = new Value(_b.Fresh(), [x.C, oh, ow]);
        _b.Node(op, [x.Name], y.Name, [.. attrs]);
        Log(op, $"k={kh}x{kw} s={sh}x{sw} d={dh}x{dw} pads=[{string.Join(",", pads)}] ceil={ceil} count_include_pad={countIncludePad}", y);
        return y;
    }

    /// <summary>Add/Sub/Mul/Div with a constant of a shape that broadcasts onto the tensor (constant first at times).</summary>
    private Value ConstantArithmetic(Value x)
    {
        string op = _rng.Next(4) switch { 0 => "Add", 1 => "Sub", 2 => "Mul", _ => "Div" };
        int[][] choices = x.Spatial
            ? [[], [1], [x.C, 1, 1], [1, x.C, 1, 1], [x.C, x.H, x.W], [1, x.C, x.H, x.W], [x.W], [x.H, x.W], [x.H, 1], [1, 1, 1, x.W]]
            : [[], [1], [x.C], [1, x.C]];
        int[] dims = choices[_rng.Next(choices.Length)];
        string c = op switch
        {
            "Add" or "Sub" => Constant(dims, -1f, 1f),
            "Mul" => Constant(dims, 0.5f, 1.5f, signed: true),
            _ => Constant(dims, 0.5f, 2f, signed: true),
        };
        bool constantFirst = op != "Div" && _rng.Next(3) == 0;
        var y = new Value(_b.Fresh(), x.Shape);
        _b.Node(op, constantFirst ? [c, x.Name] : [x.Name, c], y.Name);
        Log(op, $"constant [{string.Join(", ", dims)}] {(constantFirst ? "first" : "second")}", y);
        return y;
    }

    /// <summary>Identity, or Dropout in its opset's forms (ratio attribute or input, training_mode false, unused mask).</summary>
    private Value PassThrough(Value x)
    {
        var y = new Value(_b.Fresh(), x.Shape);
        if (_rng.Next(3) == 0)
        {
            _b.Node("Identity", [x.Name], y.Name);
            Log("Identity", "", y);
            return y;
        }
        var inputs = new List<string> { x.Name };
        var attrs = new List<AttributeProto>();
        if (Opset < 12)
        {
            if (Maybe()) attrs.Add(OnnxAttr.Float("ratio", 0.3f));
        }
        else
        {
            bool training = Maybe();
            if (training || Maybe()) inputs.Add(Maybe() ? Scalar(0.25f) : "");
            if (training)
            {
                var t = new TensorProto { Name = _b.Fresh("w"), DataType = (int)TensorProto.Types.DataType.Bool };
                t.Int32Data.Add(0);
                _b.Initializer(t);
                inputs.Add(t.Name);
            }
        }
        string[] outputs = Maybe() ? [y.Name, _b.Fresh("mask")] : [y.Name];
        _b.NamedNode("", "Dropout", [.. inputs], outputs, [.. attrs]);
        Log("Dropout", $"inputs={inputs.Count} outputs={outputs.Length}", y);
        return y;
    }

    /// <summary>Add of two branches of shape-keeping steps from the same tensor (one of them possibly empty).</summary>
    private Value Residual(Value x)
    {
        Log("residual", "branch a", x);
        Value a = x;
        for (int k = _rng.Next(0, 3); k > 0; k--) a = Preserving(a);
        Log("residual", "branch b", x);
        Value b = x;
        for (int k = _rng.Next(1, 3); k > 0; k--) b = Preserving(b);
        var y = new Value(_b.Fresh(), x.Shape);
        _b.Node("Add", Maybe() ? [a.Name, b.Name] : [b.Name, a.Name], y.Name);
        Log("Add", $"{a.Name} + {b.Name}", y);
        return y;
    }

    /// <summary>Concat on channels of 2–3 branches: the tensor itself or a size-keeping Conv to 1–4 channels.</summary>
    private Value Concat(Value x)
    {
        var parts = new List<Value>();
        for (int k = _rng.Next(2, 4); k > 0; k--)
        {
            parts.Add(_rng.Next(3) == 0 ? x : Conv(x, preserve: true, outChannels: _rng.Next(1, 5)));
        }
        var y = new Value(_b.Fresh(), [parts.Sum(p => p.C), x.H, x.W]);
        _b.Node("Concat", [.. parts.Select(p => p.Name)], y.Name, OnnxAttr.Int("axis", Maybe() ? 1 : -3));
        Log("Concat", string.Join(", ", parts.Select(p => p.Name)), y);
        return y;
    }

    /// <summary>[C, H, W] to a vector: Flatten, Reshape, or GlobalAveragePool then Flatten, Squeeze or Reshape.</summary>
    private Value ToVector(Value x)
    {
        int kind = _rng.Next(6);
        if (kind >= 3)
        {
            var g = new Value(_b.Fresh(), [x.C, 1, 1]);
            _b.Node("GlobalAveragePool", [x.Name], g.Name);
            Log("GlobalAveragePool", "", g);
            x = g;
        }
        var y = new Value(_b.Fresh(), [x.Size]);
        switch (kind)
        {
            case 0 or 3:
                _b.Node("Flatten", [x.Name], y.Name, Maybe() ? [] : [OnnxAttr.Int("axis", Maybe() ? 1 : -3)]);
                Log("Flatten", "", y);
                break;
            case 1 or 4:
                string shape = _b.Fresh("shape");
                long[] target = Maybe() ? [0, -1] : [-1, x.Size];
                _b.Initializer(shape, target);
                _b.Node("Reshape", [x.Name, shape], y.Name);
                Log("Reshape", $"[{string.Join(", ", target)}]", y);
                break;
            case 2:
                string direct = _b.Fresh("shape");
                _b.Initializer(direct, [0, x.C, -1]);
                var mid = new Value(_b.Fresh(), [x.C, x.H * x.W]);
                _b.Node("Reshape", [x.Name, direct], mid.Name);
                _b.Node("Flatten", [mid.Name], y.Name);
                Log("Reshape+Flatten", "[0, C, -1] then flatten", y);
                break;
            default:
                if (Opset >= 13)
                {
                    string axes = _b.Fresh("axes");
                    _b.Initializer(axes, [2, 3]);
                    _b.Node("Squeeze", [x.Name, axes], y.Name);
                }
                else
                {
                    _b.Node("Squeeze", [x.Name], y.Name, OnnxAttr.Ints("axes", -1, -2));
                }
                Log("Squeeze", "axes 2, 3", y);
                break;
        }
        return y;
    }

    // ---- steps on [F] ----

    private Value VectorStep(Value x) => _rng.Next(10) switch
    {
        <= 2 => Gemm(x, null),
        3 => MatMul(x),
        4 or 5 => Activation(x),
        6 => ConstantArithmetic(x),
        7 => BatchNorm(x),
        8 => PassThrough(x),
        _ => Residual(x),
    };

    /// <summary>Gemm with transB 0/1, alpha, beta and a C of [M], [1, M], [1] or a scalar (or none).</summary>
    private Value Gemm(Value x, int? outputs)
    {
        int k = x.C, m = outputs ?? _rng.Next(1, 33);
        bool transB = Maybe();
        float alpha = _rng.Next(3) == 0 ? Uniform(0.5f, 2f) : 1f, beta = _rng.Next(3) == 0 ? Uniform(0.5f, 2f) : 1f;
        string w = Weight(transB ? [m, k] : [k, m], k);
        var inputs = new List<string> { x.Name, w };
        int[]? cDims = _rng.Next(5) switch { 0 => null, 1 => [m], 2 => [1, m], 3 => [1], _ => [] };
        if (cDims is not null) inputs.Add(Constant(cDims, -0.5f, 0.5f));
        var attrs = new List<AttributeProto>();
        if (transB || Maybe()) attrs.Add(OnnxAttr.Int("transB", transB ? 1 : 0));
        if (alpha != 1 || Maybe(4)) attrs.Add(OnnxAttr.Float("alpha", alpha));
        if (beta != 1 || Maybe(4)) attrs.Add(OnnxAttr.Float("beta", beta));
        if (Maybe(6)) attrs.Add(OnnxAttr.Int("transA", 0));
        var y = new Value(_b.Fresh(), [m]);
        _b.Node("Gemm", [.. inputs], y.Name, [.. attrs]);
        Log("Gemm", $"m={m} transB={transB} alpha={alpha} beta={beta} C={(cDims is null ? "none" : $"[{string.Join(", ", cDims)}]")}", y);
        return y;
    }

    /// <summary>MatMul by a constant [K, M], usually followed by an Add of a bias [M] or [1, M] (either side).</summary>
    private Value MatMul(Value x)
    {
        int k = x.C, m = _rng.Next(1, 33);
        var y = new Value(_b.Fresh(), [m]);
        _b.Node("MatMul", [x.Name, Weight([k, m], k)], y.Name);
        Log("MatMul", $"m={m}", y);
        if (_rng.Next(4) == 0) return y;
        string bias = Constant(Maybe() ? [m] : [1, m], -0.5f, 0.5f);
        var z = new Value(_b.Fresh(), [m]);
        _b.Node("Add", Maybe() ? [y.Name, bias] : [bias, y.Name], z.Name);
        Log("Add", "bias", z);
        return z;
    }

    private Value Softmax(Value x)
    {
        string op = Maybe() ? "Softmax" : "LogSoftmax";
        var y = new Value(_b.Fresh(), x.Shape);
        int axisChoice = _rng.Next(3);
        _b.Node(op, [x.Name], y.Name, axisChoice == 0 ? [] : [OnnxAttr.Int("axis", axisChoice == 1 ? 1 : -1)]);
        Log(op, axisChoice == 0 ? "default axis" : $"axis={(axisChoice == 1 ? 1 : -1)}", y);
        return y;
    }

    // ---- helpers ----

    /// <summary>ONNX's output size of a convolution along one axis (floor mode).</summary>
    private static int ConvOut(int size, int kernel, int stride, int padBegin, int padEnd, int dilation) =>
        ((size + padBegin + padEnd - ((kernel - 1) * dilation + 1)) / stride) + 1;

    /// <summary>
    /// Output size of pooling along one axis: floor or ceil of (size + pads − dilated kernel) / stride, plus one; in
    /// ceil mode a last window that would start in the end padding is dropped (as ONNX Runtime and PyTorch do).
    /// </summary>
    private static int PoolOut(int size, int kernel, int stride, int padBegin, int padEnd, int dilation, bool ceil)
    {
        int room = size + padBegin + padEnd - ((kernel - 1) * dilation + 1);
        int o = (ceil ? Ceil(room, stride) : room / stride) + 1;
        if (ceil && (o - 1) * stride >= size + padBegin) o--;
        return o;
    }

    /// <summary>
    /// Lowers the end pad until ceil mode keeps every window the bare ONNX formula counts (and the window still
    /// fits); false, with the end pad unchanged, when no end pad does (ceil mode must then be off).
    /// </summary>
    private static bool TrimForCeil(int size, int kernel, int stride, int padBegin, ref int padEnd, int dilation)
    {
        for (int end = padEnd; end >= 0; end--)
        {
            int room = size + padBegin + end - ((kernel - 1) * dilation + 1);
            if (room >= 0 && PoolOut(size, kernel, stride, padBegin, end, dilation, ceil: true) == Ceil(room, stride) + 1)
            {
                padEnd = end;
                return true;
            }
        }
        return false;
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;

    /// <summary>A kernel and dilation whose extent fits <paramref name="room"/>: undilate first, then shrink.</summary>
    private static (int Kernel, int Dilation) Fit(int room, int kernel, int dilation)
    {
        while ((kernel - 1) * dilation + 1 > room)
        {
            if (dilation > 1) dilation = 1;
            else kernel--;
        }
        return (kernel, dilation);
    }

    /// <summary>A begin pad for a stride-1 window of <paramref name="total"/> padding with both pads below the kernel.</summary>
    private int SplitBelow(int kernel, int total)
    {
        int lo = Math.Max(0, total - (kernel - 1)), hi = Math.Min(kernel - 1, total);
        return _rng.Next(lo, hi + 1);
    }

    /// <summary>A weight initializer uniform in ±√(3 / fan-in): unit variance out for unit variance in.</summary>
    private string Weight(int[] dims, int fanIn)
    {
        float a = MathF.Sqrt(3f / fanIn);
        return Constant(dims, -a, a);
    }

    /// <summary>A float initializer uniform in [lo, hi) (times a random sign when <paramref name="signed"/>).</summary>
    private string Constant(int[] dims, float lo, float hi, bool signed = false)
    {
        int size = dims.Aggregate(1, (a, b) => a * b);
        var data = new float[size];
        for (int i = 0; i < size; i++) data[i] = Uniform(lo, hi) * (signed && Maybe() ? -1 : 1);
        string name = _b.Fresh("w");
        _b.Initializer(name, dims, data, raw: _rng.Next(4) != 0);
        return name;
    }

    private string Scalar(float value)
    {
        string name = _b.Fresh("w");
        _b.Initializer(name, [], [value]);
        return name;
    }

    private float Uniform(float lo, float hi) => (float)(lo + (_rng.NextDouble() * (hi - lo)));

    private bool Maybe(int oneIn = 2) => _rng.Next(oneIn) == 0;

    private void Log(string op, string parameters, Value y) => _steps.Add($"{y.Name} = {op} {parameters} -> {y}");
}
