using Onnx;

namespace Ann2Snn.Tests.Onnx.NodeTests;

/// <summary>
/// Whether a node test lies in the scope of issue 11 and, when not, why. In scope: one float32 data input (graph
/// input 0, its ONNX axis 0 the batch) of rank 2–4, one compared float32 output of rank 2–4 (ArgMax/ArgMin's int64
/// indices also count), no empty tensors, and nothing the per-sample IR cannot express: no op along axis 0 and no
/// constant that differs between samples (GatherElements/GatherND indices among them). A node whose extra outputs
/// are all optional (Dropout's mask, MaxPool's indices, BatchNormalization's running statistics, an RNN's last states)
/// is in scope with only its first output compared. Out-of-scope tests still run when their data can be bound
/// (<see cref="Runnable"/>): they too must pass or be refused, never answer wrongly.
/// </summary>
/// <param name="Reason">Why the test is out of scope; null when it is in scope.</param>
/// <param name="Runnable">False when the harness cannot even feed or compare the test (non-float data, no input).</param>
internal sealed record NodeTestScope(string? Reason, bool Runnable)
{
    private static readonly HashSet<string> OptionalExtraOutputs = ["Dropout", "MaxPool", "BatchNormalization", "RNN", "GRU", "LSTM"];

    /// <summary>Ops whose inputs broadcast against each other (NumPy rules) or are joined: a constant operand of the
    /// output's rank lines its axis 0 up with the batch.</summary>
    private static readonly HashSet<string> Broadcasting =
        ["Add", "Sub", "Mul", "Div", "Pow", "PRelu", "Max", "Min", "Sum", "Mean", "Where", "Concat"];

    /// <summary>Ops with an <c>axis</c> attribute that name the one axis they work along, with its default.</summary>
    private static readonly Dictionary<string, Func<long, long?>> AxisDefault = new()
    {
        ["ArgMax"] = _ => 0,
        ["ArgMin"] = _ => 0,
        ["Concat"] = _ => null,
        ["Gather"] = _ => 0,
        ["GatherElements"] = _ => 0,
        ["Softmax"] = opset => opset >= 13 ? -1 : 1,
        ["LogSoftmax"] = opset => opset >= 13 ? -1 : 1,
        ["Hardmax"] = opset => opset >= 13 ? -1 : 1,
    };

    public bool InScope => Reason is null;

    public static NodeTestScope Of(NodeTestCase c)
    {
        string? data = DataReason(c);
        if (data is not null) return new NodeTestScope(data, Runnable: false);
        long[] inDims = [.. c.Input(0).Dims], outDims = [.. c.Output(0).Dims];
        if (inDims.Length == 0) return new NodeTestScope("input 0 is a scalar: it has no axis 0 to batch over", Runnable: false);
        return new NodeTestScope(ShapeReason(c, inDims, outDims) ?? BatchReason(c, inDims, outDims), Runnable: true);
    }

    /// <summary>What keeps the harness from feeding input 0 and comparing output 0 at all.</summary>
    private static string? DataReason(NodeTestCase c)
    {
        GraphProto g = c.Graph;
        if (g.Input.Count == 0) return "no graph input to feed";
        foreach (ValueInfoProto v in g.Input.Concat(g.Output))
        {
            TypeProto.ValueOneofCase kind = v.Type?.ValueCase ?? TypeProto.ValueOneofCase.None;
            if (kind != TypeProto.ValueOneofCase.TensorType) return $"'{v.Name}' is {Kind(kind)}, not a tensor";
        }
        int input = g.Input[0].Type.TensorType.ElemType, output = g.Output[0].Type.TensorType.ElemType;
        if (input != NodeTestTensor.Float) return $"input 0 holds {TypeName(input)}, not float32";
        bool indices = c.Node.OpType is "ArgMax" or "ArgMin" && output == NodeTestTensor.Int64;
        return output == NodeTestTensor.Float || indices ? null : $"output 0 holds {TypeName(output)}, not float32";
    }

    private static string? ShapeReason(NodeTestCase c, long[] inDims, long[] outDims)
    {
        if (inDims.Length is < 2 or > 4) return $"input 0 has rank {inDims.Length}; ranks 2–4 are in scope";
        if (outDims.Length is < 2 or > 4) return $"output 0 has rank {outDims.Length}; ranks 2–4 are in scope";
        if (inDims.Contains(0) || outDims.Contains(0)) return "an empty tensor (a dimension of size 0)";
        if (c.Graph.Output.Count > 1 && !OptionalExtraOutputs.Contains(c.Node.OpType))
        {
            return $"{c.Graph.Output.Count} outputs to compare";
        }
        return null;
    }

    /// <summary>What the per-sample IR cannot express: an op along ONNX axis 0, or a constant that spans it.</summary>
    private static string? BatchReason(NodeTestCase c, long[] inDims, long[] outDims)
    {
        NodeProto n = c.Node;
        string op = n.OpType;
        int rank = inDims.Length;
        if (outDims[0] != inDims[0]) return $"axis 0 (the batch) changes size, {inDims[0]} to {outDims[0]}";
        if (AxisDefault.TryGetValue(op, out Func<long, long?>? axisDefault)
            && (Int(n, "axis") ?? axisDefault(c.Opset)) is long axis && Normalize(axis, rank) == 0)
        {
            return $"{op} along axis 0 (the batch)";
        }
        switch (op)
        {
            case "Transpose":
                long[] perm = Ints(n, "perm") ?? [.. Enumerable.Range(0, rank).Reverse().Select(i => (long)i)];
                if (perm[0] != 0) return "Transpose moves axis 0 (the batch)";
                break;
            case "Flatten":
                if (Normalize(Int(n, "axis") ?? 1, rank) != 1) return "Flatten merges axis 0 (the batch) with others";
                break;
            case "Squeeze" or "Unsqueeze" or "ReduceMean" or "ReduceSum" or "ReduceProd" or "ReduceSumSquare" or "ReduceMax"
                or "ReduceMin" or "ReduceL1" or "ReduceL2" or "ReduceLogSum" or "ReduceLogSumExp":
                long[]? axes = Ints(n, "axes") ?? BoundInts(c, 1);
                bool all = axes is null or [] && op.StartsWith("Reduce", StringComparison.Ordinal) && Int(n, "noop_with_empty_axes") != 1;
                int axesRank = op == "Unsqueeze" ? outDims.Length : rank;
                if (all || axes is not null && axes.Any(a => Normalize(a, axesRank) == 0)) return $"{op} over axis 0 (the batch)";
                break;
            case "Slice":
                long[] sliced = BoundInts(c, 3) ?? [.. Enumerable.Range(0, rank).Select(i => (long)i)];
                long[]? steps = BoundInts(c, 4);
                int at = Array.FindIndex(sliced, a => Normalize(a, rank) == 0);
                if (at >= 0 && steps is not null && steps[at] != 1) return "Slice steps along axis 0 (the batch)";
                break;
            case "BatchNormalization":
                bool training = Int(n, "training_mode") == 1 || c.Opset < 14 && n.Output.Count(o => o.Length > 0) > 1;
                if (training) return "training mode: statistics over axis 0 (the batch)";
                break;
            case "RNN" or "GRU" or "LSTM":
                if ((Int(n, "layout") ?? 0) == 0) return "layout 0: axis 0 is the sequence, the batch is axis 1";
                break;
            case "Gemm":
                if (Int(n, "transA") == 1) return "transA: axis 0 of A (the batch) is summed over";
                break;
        }
        return SpanningConstant(c, outDims.Length);
    }

    /// <summary>A bound (constant) operand that differs along the axis that lines up with the batch.</summary>
    private static string? SpanningConstant(NodeTestCase c, int outRank)
    {
        NodeProto n = c.Node;
        for (int k = 0; k < n.Input.Count; k++)
        {
            int g = c.GraphInputIndex(n.Input[k]);
            if (g < 1) continue;
            TensorProto t = c.Input(g);
            if (n.OpType is "GatherElements" or "GatherND" && k == 1 && t.DataType == NodeTestTensor.Int64 && t.Dims.Count > 0
                && RowsDiffer(NodeTestTensor.Int64s(t), t.Dims[0]))
            {
                return $"indices '{n.Input[k]}' [{string.Join(", ", t.Dims)}] differ along axis 0 (the batch): "
                    + "each sample selects other elements";
            }
            if (t.DataType != NodeTestTensor.Float || t.Dims.Count == 0 || t.Dims[0] <= 1) continue;
            bool spans = n.OpType switch
            {
                _ when Broadcasting.Contains(n.OpType) => t.Dims.Count == outRank,
                "MatMul" => k == 1 && t.Dims.Count >= 3 && t.Dims.Count == outRank,
                "Gemm" => k == 2 && t.Dims.Count == 2,
                _ => false,
            };
            if (spans) return $"constant '{n.Input[k]}' [{string.Join(", ", t.Dims)}] differs along axis 0 (the batch)";
        }
        return null;
    }

    /// <summary>Whether the <paramref name="rows"/> equal slices of <paramref name="values"/> along axis 0 are not all alike.</summary>
    private static bool RowsDiffer(long[] values, long rows)
    {
        int size = (int)(values.Length / rows);
        return Enumerable.Range(1, (int)rows - 1).Any(r => !values.AsSpan(r * size, size).SequenceEqual(values.AsSpan(0, size)));
    }

    private static long Normalize(long axis, int rank) => axis < 0 ? axis + rank : axis;

    private static long? Int(NodeProto n, string name) => n.Attribute.FirstOrDefault(a => a.Name == name)?.I;

    private static long[]? Ints(NodeProto n, string name) => n.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? [.. a.Ints] : null;

    /// <summary>The int64 values bound to node input <paramref name="k"/>, or null when it is omitted.</summary>
    private static long[]? BoundInts(NodeTestCase c, int k)
    {
        int g = k < c.Node.Input.Count ? c.GraphInputIndex(c.Node.Input[k]) : -1;
        return g < 1 ? null : NodeTestTensor.Int64s(c.Input(g));
    }

    private static string Kind(TypeProto.ValueOneofCase kind) => kind switch
    {
        TypeProto.ValueOneofCase.SequenceType => "a sequence",
        TypeProto.ValueOneofCase.OptionalType => "an optional",
        TypeProto.ValueOneofCase.MapType => "a map",
        TypeProto.ValueOneofCase.SparseTensorType => "a sparse tensor",
        _ => "of no type",
    };

    private static string TypeName(int type) => Enum.IsDefined((TensorProto.Types.DataType)type)
        ? ((TensorProto.Types.DataType)type).ToString().ToLowerInvariant()
        : $"type {type}";
}
