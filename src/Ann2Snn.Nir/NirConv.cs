namespace Ann2Snn.Nir;

/// <summary>
/// The geometry of a NIR Conv1d or Conv2d node (PyTorch semantics): a Conv1d over (C, N) is read as a Conv2d over
/// (C, 1, N) with a 1 × K kernel. Padding "valid" is none; "same" (stride 1 only) pads d·(k − 1) in all, the smaller half
/// before, as PyTorch does. out = ⌊(in + pads − d·(k − 1) − 1)/s⌋ + 1.
/// </summary>
internal sealed record NirConv(bool OneD, int OutChannels, int InChannels, int Groups, int KernelH, int KernelW, int StrideH,
    int StrideW, int PadTop, int PadLeft, int PadBottom, int PadRight, int DilationH, int DilationW, int InH, int InW)
{
    public int OutH => (InH + PadTop + PadBottom - DilationH * (KernelH - 1) - 1) / StrideH + 1;

    public int OutW => (InW + PadLeft + PadRight - DilationW * (KernelW - 1) - 1) / StrideW + 1;

    public int[] InputShape => OneD ? [InChannels, InW] : [InChannels, InH, InW];

    public int[] OutputShape => OneD ? [OutChannels, OutW] : [OutChannels, OutH, OutW];

    public static NirConv Read(string at, NirNode node)
    {
        bool oneD = node.Type == "Conv1d";
        NirValue w = node.Fields["weight"];
        int rank = oneD ? 3 : 4;
        if (w.Shape.Length != rank) ThrowHelper.InvalidModel($"{at}: weight has shape {NirValidator.Show(w.Shape)}, expected "
            + (oneD ? "(C_out, C_in/groups, K)" : "(C_out, C_in/groups, kH, kW)"));
        int groups = (int)Math.Clamp(GroupsOf(at, node), 0, int.MaxValue);
        if (groups <= 0 || w.Shape[0] % groups != 0) ThrowHelper.InvalidModel($"{at}: groups = {groups} does not divide "
            + $"{w.Shape[0]} output channels");
        if (node.Field("bias") is { } b && !b.Shape.AsSpan().SequenceEqual([w.Shape[0]]))
        {
            ThrowHelper.InvalidModel($"{at}: bias has shape {NirValidator.Show(b.Shape)}, expected ({w.Shape[0]},)");
        }
        int kh = oneD ? 1 : w.Shape[2], kw = w.Shape[rank - 1];
        int[] input = NirValidator.Ints(at, node, "input_shape");
        int[] stride = Pair(at, node, "stride", oneD), dilation = Pair(at, node, "dilation", oneD);
        if (input.Length != (oneD ? 1 : 2) || input.Any(d => d <= 0))
        {
            string expected = oneD ? "the length N" : "(H, W)";
            ThrowHelper.InvalidModel($"{at}: input_shape {NirValidator.Show(input)} must be {expected}, positive");
        }
        if (stride.Any(s => s <= 0) || dilation.Any(d => d <= 0)) ThrowHelper.InvalidModel($"{at}: stride and dilation must be positive");
        int ph, pw, ph2, pw2;
        NirValue padding = node.Fields["padding"];
        if (padding.Strings is [var mode])
        {
            switch (mode)
            {
                case "valid":
                    ph = pw = ph2 = pw2 = 0;
                    break;
                case "same":
                    if (stride.Any(s => s != 1)) ThrowHelper.InvalidModel($"{at}: padding 'same' needs stride 1");
                    int th = dilation[0] * (kh - 1), tw = dilation[1] * (kw - 1);
                    (ph, ph2, pw, pw2) = (th / 2, th - th / 2, tw / 2, tw - tw / 2);
                    break;
                default:
                    throw new InvalidModelException($"{at}: padding '{NirValidator.Quote(mode)}' is not 'same', 'valid' or integers");
            }
        }
        else
        {
            int[] p = Pair(at, node, "padding", oneD);
            if (p.Any(x => x < 0)) ThrowHelper.InvalidModel($"{at}: padding must not be negative");
            (ph, pw, ph2, pw2) = (p[0], p[1], p[0], p[1]);
        }
        var conv = new NirConv(oneD, w.Shape[0], w.Shape[1] * groups, groups, kh, kw, stride[0], stride[1], ph, pw, ph2, pw2,
            dilation[0], dilation[1], oneD ? 1 : input[0], input[^1]);
        if (conv.OutH <= 0 || conv.OutW <= 0) ThrowHelper.InvalidModel($"{at}: the kernel does not fit the input "
            + $"{NirValidator.Show(conv.InputShape)}");
        return conv;
    }

    private static long GroupsOf(string at, NirNode node)
    {
        NirValue g = node.Fields["groups"];
        // A 1-element array loads in the reference reader too.
        if (g.Integers is [long x] && g.Shape.Length <= 1) return x;
        return NirValidator.Scalar(at, "groups", g);
    }

    /// <summary>(H, W) of a stride, padding or dilation: a scalar applies to both; a Conv1d's value is (1, value).</summary>
    internal static int[] Pair(string at, NirNode node, string field, bool oneD)
    {
        int[] v = NirValidator.Ints(at, node, field);
        if (oneD)
        {
            if (v.Length != 1) ThrowHelper.InvalidModel($"{at}: field '{field}' has {v.Length} values, expected 1");
            return field == "padding" ? [0, v[0]] : [1, v[0]];
        }
        return v.Length switch
        {
            1 => [v[0], v[0]],
            2 => v,
            _ => ThrowHelper.InvalidModel<int[]>($"{at}: field '{field}' has {v.Length} values, expected (h, w)"),
        };
    }
}
