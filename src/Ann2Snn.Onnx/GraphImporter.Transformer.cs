using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Onnx;

/// <summary>
/// The ops a Vision Transformer export adds: MatMul of two computed tensors (attention), Split into heads or q/k/v,
/// LayerNormalization (opset 17), Gelu (opset 20), Erf, Sqrt, Pow by a constant, Concat with a learned token, and the
/// Equal/Where shape arithmetic of PyTorch's <c>expand(B, -1, -1)</c>. The decomposed LayerNorm and GELU of earlier
/// opsets fold back into single nodes afterwards (<c>FoldLayerNormPass</c>, <c>FoldGeluPass</c>).
/// </summary>
internal sealed partial class GraphImporter
{
    /// <summary>MatMul of two computed tensors: a per-sample batched matrix product (<see cref="MatMulNode"/>).</summary>
    private void MatMulOfTensors(OnnxNode n)
    {
        TensorValue a = n.Tensor(0), b = n.Tensor(1);
        if (a.Shape.Rank < 2 || b.Shape.Rank < 2 || a.Shape.Rank != b.Shape.Rank)
        {
            // ONNX would multiply across the batch (a [N, k] operand is one matrix whose rows are the samples).
            n.Unsupported($"MatMul of two computed tensors [N, {string.Join(", ", a.Shape)}] and [N, {string.Join(", ", b.Shape)}] "
                + "is supported per sample only: both of one rank with at least 2 axes after the batch; otherwise B must be a "
                + "constant");
        }
        SetOutput(n, n.Make(() => new MatMulNode(n.Name, a.Node, b.Node)));
    }

    /// <summary>Pow of a tensor by a constant scalar exponent: an element-wise x^p.</summary>
    private void Pow(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        TensorValue x = n.Tensor(0);
        if (n.Input(1) is not ConstantValue) n.Unsupported("the exponent must be a constant");
        float p = n.Scalar(1, "Y");
        if (!float.IsFinite(p)) n.Fail($"exponent {p} is not finite");
        SetOutput(n, n.Make(() => new ActivationNode(n.Name, x.Node, ActivationKind.Pow, alpha: p)));
    }

    /// <summary>Gelu (opset 20): approximate = "none" (erf) or "tanh".</summary>
    private void Gelu(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        TensorValue x = n.Tensor(0);
        ActivationKind kind = n.String("approximate", "none") switch
        {
            "none" => ActivationKind.Gelu,
            "tanh" => ActivationKind.GeluTanh,
            var other => n.Fail<ActivationKind>($"approximate=\"{Text.Clean(other)}\" is not an ONNX Gelu form; expected none or tanh"),
        };
        SetOutput(n, n.Make(() => new ActivationNode(n.Name, x.Node, kind)));
    }

    /// <summary>
    /// LayerNormalization (opset 17): normalizes over the axes from <c>axis</c> (default −1) to the last, with constant
    /// Scale and optional B of the normalized axes' size (or 1 element). The Mean and InvStdDev outputs are refused if used.
    /// </summary>
    private void LayerNormalization(OnnxNode n)
    {
        n.RequireInputs(2, 3);
        TensorValue x = n.Tensor(0);
        int first = SampleAxis(n, n.Int("axis", -1), x.Shape, "axis");
        float epsilon = n.Float("epsilon", 1e-5f);
        float[] scale = n.Weight(1, "Scale").Floats;
        float[] bias = n.HasInput(2) ? n.Weight(2, "B").Floats : [0f];
        SetOutput(n, n.Make(() => new LayerNormNode(n.Name, x.Node, first, epsilon, scale, bias)));
    }

    /// <summary>
    /// Split of a computed tensor along a per-sample axis into parts given by the <c>split</c> input (opset 13+) or
    /// attribute (before), or into <c>num_outputs</c> (opset 18) or as many equal parts as outputs; each part a gather.
    /// </summary>
    private void SplitTensor(OnnxNode n)
    {
        n.RequireInputs(1, 2);
        (Node x, int batchAxis) = n.AnyTensor(0);
        int[] dims = x.OutputShape.ToArray();
        int onnxAxis = NormalizeAxis(n, n.Int("axis", 0), dims.Length + 1, "axis");
        if (onnxAxis == batchAxis) n.Unsupported($"splits along axis {onnxAxis}, the batch");
        int axis = onnxAxis < batchAxis ? onnxAxis : onnxAxis - 1;
        int parts = n.Outputs.Count;
        long[] sizes = n.HasInput(1) ? n.Integers(1, "split")
            : n.Ints("split") ?? Equal(n, dims[axis], n.HasAttribute("num_outputs") ? n.Int("num_outputs", parts) : parts);
        if (sizes.Length != parts) n.Fail($"split into {sizes.Length} parts for {parts} outputs");
        if (sizes.Any(s => s < 0) || sizes.Sum() != dims[axis])
        {
            n.Fail($"split [{string.Join(", ", sizes)}] does not add up to {dims[axis]}, the size of axis {onnxAxis}");
        }
        int start = 0;
        for (int k = 0; k < parts; k++)
        {
            int size = (int)sizes[k];
            int[][] picks = [.. dims.Select(Everything)];
            picks[axis] = [.. Enumerable.Range(start, size)];
            start += size;
            if (n.Outputs[k].Length == 0 || !IsUsed(n.Outputs[k])) continue;
            if (size == 0) n.Unsupported($"output {k} is empty");
            int[] shape = dims.ToArray();
            shape[axis] = size;
            int[] map = Offsets(dims, picks);
            string name = k == 0 ? n.Name : UniqueName($"{n.Name}_{k}");
            SetSequenceOutput(n, n.Make(() => new GatherNode(name, x, map, new Shape(shape), "Split")), batchAxis, k);
        }

        static long[] Equal(OnnxNode n, int dim, long count)
        {
            if (count < 1 || count > dim) n.Fail($"cannot split {dim} into {count} parts");
            long each = (dim + count - 1) / count;
            return [.. Enumerable.Range(0, (int)count).Select(k => Math.Min(each, dim - (k * each)))];
        }
    }

    /// <summary>
    /// Concat of computed tensors with constants along a per-sample axis: a constant whose batch dim is 1 (a learned
    /// token, as the exporter's Expand to [N, …] leaves it) becomes a <see cref="Graph.ConstantNode"/>, the same for each sample.
    /// </summary>
    private List<Node> ConcatInputs(OnnxNode n)
    {
        Node? anchor = Enumerable.Range(0, n.InputCount).Select(i => n.Input(i)).OfType<TensorValue>().FirstOrDefault()?.Node;
        var inputs = new List<Node>();
        for (int i = 0; i < n.InputCount; i++)
        {
            if (n.Input(i) is not ConstantValue c)
            {
                inputs.Add(n.Tensor(i).Node);
                continue;
            }
            ConstTensor t = c.Tensor;
            if (anchor is null || t.Rank != anchor.OutputShape.Rank + 1 || t.Dims[0] != 1)
            {
                n.Unsupported($"input {i} ('{Text.Clean(t.Name)}') is a constant {t.DimsText}; only a constant [1, …] (the same "
                    + "for every sample) of the computed inputs' rank joins them");
            }
            if (t.DependsOnBatch) n.Unsupported($"input {i} is computed from the batch size");
            string name = UniqueName($"{n.Name}_{Text.Clean(t.Name)}");
            inputs.Add(n.Make(() => new Graph.ConstantNode(name, anchor, new Shape(t.Dims[1..]), t.Floats)));
        }
        return inputs;
    }

    /// <summary>Equal of constants (integers or floats) with NumPy broadcasting of a scalar: 1 where equal, else 0.</summary>
    private static ConstTensor EqualConstants(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        ConstTensor a = n.Constant(0, "A", batchAllowed: true), b = n.Constant(1, "B", batchAllowed: true);
        int[] dims = Paired(n, a, b);
        int length = Math.Max(a.Length, b.Length);
        var r = new long[length];
        for (int k = 0; k < length; k++)
        {
            if (a.Ints is { } ai && b.Ints is { } bi)
            {
                long x = ai[ai.Length == 1 ? 0 : k], y = bi[bi.Length == 1 ? 0 : k];
                // The batch size is at least 1: it equals no negative number; against anything else it is unknown.
                bool symbolic = ConstTensor.IsSymbolic(x) || ConstTensor.IsSymbolic(y);
                long other = ConstTensor.IsSymbolic(x) ? y : x;
                if (symbolic && (ConstTensor.IsSymbolic(other) || other >= 0))
                {
                    n.Unsupported("compares a value computed from the dynamic batch size");
                }
                r[k] = !symbolic && x == y ? 1 : 0;
            }
            else
            {
                if (a.DependsOnBatch || b.DependsOnBatch) n.Unsupported("compares a value computed from the dynamic batch size");
                float[] af = a.Floats, bf = b.Floats;
                r[k] = af[af.Length == 1 ? 0 : k] == bf[bf.Length == 1 ? 0 : k] ? 1 : 0;
            }
        }
        return ConstTensor.OfInts(n.Outputs[0], dims, r);
    }

    /// <summary>Where of constants: X where the condition is non-zero, else Y (a scalar broadcasts).</summary>
    private static ConstTensor WhereConstants(OnnxNode n)
    {
        n.RequireInputs(3, 3);
        ConstTensor c = n.Constant(0, "condition"), x = n.Constant(1, "X", batchAllowed: true), y = n.Constant(2, "Y", batchAllowed: true);
        int[] dims = Paired(n, c, Paired(n, x, y) is var xy && xy.SequenceEqual(x.Dims) ? x : y);
        int length = dims.Aggregate(1, (p, d) => p * d);
        float[] cond = c.Floats;
        bool Pick(int k) => cond[cond.Length == 1 ? 0 : k] != 0;
        if (x.Ints is { } xi && y.Ints is { } yi)
        {
            long[] r = [.. Enumerable.Range(0, length).Select(k => Pick(k) ? xi[xi.Length == 1 ? 0 : k] : yi[yi.Length == 1 ? 0 : k])];
            return ConstTensor.OfInts(n.Outputs[0], dims, r);
        }
        if (x.DependsOnBatch || y.DependsOnBatch) n.Unsupported("mixes a value computed from the dynamic batch size with floats");
        float[] xf = x.Floats, yf = y.Floats;
        float[] f = [.. Enumerable.Range(0, length).Select(k => Pick(k) ? xf[xf.Length == 1 ? 0 : k] : yf[yf.Length == 1 ? 0 : k])];
        return ConstTensor.OfFloats(n.Outputs[0], dims, f);
    }

    /// <summary>The dims of an element-wise result of two constants of one shape, or of one and a single element.</summary>
    private static int[] Paired(OnnxNode n, ConstTensor a, ConstTensor b) =>
        a.Dims.AsSpan().SequenceEqual(b.Dims) || b.Length == 1 ? a.Dims
        : a.Length == 1 ? b.Dims
        : n.Unsupported<int[]>($"broadcasting {a.DimsText} against {b.DimsText} is not supported for constants");
}
