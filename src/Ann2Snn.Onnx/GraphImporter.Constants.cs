using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>The first sweep: values computable from constants alone become constants.</summary>
internal sealed partial class GraphImporter
{
    /// <summary>Folds <paramref name="p"/> when it is a Constant or a shape/arithmetic op whose inputs are all constants.</summary>
    private bool TryFoldConstants(NodeProto p)
    {
        if (p.Domain is not ("" or "ai.onnx") || p.Output.Count == 0 || p.Output[0].Length == 0) return false;
        if (p.OpType == "Transpose") return TryFoldTranspose(p);
        bool constant = p.OpType == "Constant";
        var inputs = p.Input.Where(i => i.Length > 0).ToList();
        // Shape needs only its input's dims, which a runtime tensor has too once its producer is imported.
        bool shapeOf = p.OpType == "Shape" && inputs.Count == 1 && _values.GetValueOrDefault(inputs[0])
            is ConstantValue or TensorValue or MovedBatchValue;
        if (!constant && !shapeOf && (inputs.Count == 0 || !inputs.All(i => _values.GetValueOrDefault(i) is ConstantValue))) return false;
        if (!constant && !shapeOf && p.OpType is not ("Identity" or "Reshape" or "Flatten" or "Squeeze" or "Unsqueeze"
            or "Add" or "Sub" or "Mul" or "Div") && !ShapeArithmetic.Contains(p.OpType)) return false;
        OnnxNode n = Describe(p, unique: false);
        switch (p.OpType)
        {
            case "Constant":
                ConstantNode(n);
                return true;
            case "Identity":
                // PyTorch shares identical initializers by routing one through Identity nodes.
                SetOutput(n, n.Input(0));
                return true;
            case "Reshape":
                ConstTensor data = n.Constant(0, "data", batchAllowed: true);
                SetConstant(n, data, ReshapeDims(n, data.Dims, n.Integers(1, "shape"), n.Int("allowzero", 0) != 0));
                return true;
            case "Flatten":
                ConstTensor x = n.Constant(0, "input", batchAllowed: true);
                int axis = FlattenAxis(n, x.Rank);
                int outer = x.Dims.Take(axis).Aggregate(1, (a, d) => a * d);
                SetConstant(n, x, [outer, x.Length / Math.Max(outer, 1)]);
                return true;
            case "Squeeze":
                ConstTensor s = n.Constant(0, "data", batchAllowed: true);
                SetConstant(n, s, SqueezeDims(n, s.Dims, SqueezeAxes(n, required: false)));
                return true;
            case "Unsqueeze":
                ConstTensor u = n.Constant(0, "data", batchAllowed: true);
                SetConstant(n, u, UnsqueezeDims(n, u.Dims, SqueezeAxes(n, required: true)!));
                return true;
            case "Add" or "Sub" or "Mul" or "Div":
                return TryFoldArithmetic(n);
            default:
                FoldShapeArithmetic(n);
                return true;
        }
    }

    private void SetConstant(OnnxNode n, ConstTensor source, int[] dims) =>
        SetOutput(n, new ConstantValue(source.WithDims(n.Outputs[0], dims)));

    /// <summary>
    /// The Constant operator: value (tensor), value_float(s) or value_int(s); the version table refuses sparse_value
    /// and the string forms.
    /// </summary>
    private void ConstantNode(OnnxNode n)
    {
        string name = n.Outputs[0];
        ConstTensor? c = null;
        int count = 0;
        if (n.TensorAttribute("value") is { } t)
        {
            c = TensorDecoder.Decode(t, name, n.Where, _options.MaxTensorElements, _external);
            count++;
        }
        if (n.HasAttribute("value_float"))
        {
            c = ConstTensor.OfFloats(name, [], [n.Float("value_float", 0)]);
            count++;
        }
        if (n.Floats("value_floats") is { } fs)
        {
            c = ConstTensor.OfFloats(name, [fs.Length], fs);
            count++;
        }
        if (n.HasAttribute("value_int"))
        {
            c = ConstTensor.OfInts(name, [], [n.Int("value_int", 0)]);
            count++;
        }
        if (n.Ints("value_ints") is { } ints)
        {
            c = ConstTensor.OfInts(name, [ints.Length], ints);
            count++;
        }
        if (count != 1 || c is null) n.Fail($"must have exactly one value attribute, has {count}");
        SetOutput(n, new ConstantValue(c));
    }

    /// <summary>Element-wise arithmetic on two constants of equal dims, or of which one is a single value.</summary>
    private bool TryFoldArithmetic(OnnxNode n)
    {
        if (n.InputCount != 2) return false;
        ConstTensor a = n.Constant(0, "A", batchAllowed: true), b = n.Constant(1, "B", batchAllowed: true);
        bool same = a.Dims.AsSpan().SequenceEqual(b.Dims);
        if (!same && !(b.Length == 1 && b.Rank <= a.Rank) && !(a.Length == 1 && a.Rank <= b.Rank)) return false;
        int[] dims = same || b.Length == 1 ? a.Dims : b.Dims;
        int length = Math.Max(a.Length, b.Length);
        string name = n.Outputs[0];
        if (a.Ints is { } ai && b.Ints is { } bi)
        {
            var r = new long[length];
            for (int k = 0; k < length; k++)
            {
                long x = ai[ai.Length == 1 ? 0 : k], y = bi[bi.Length == 1 ? 0 : k];
                r[k] = ConstTensor.IsSymbolic(x) || ConstTensor.IsSymbolic(y) ? ConstTensor.DependsOnBatchSize : n.OpType switch
                {
                    "Add" => x + y,
                    "Sub" => x - y,
                    "Mul" => x * y,
                    _ => y != 0 ? x / y : n.Fail<long>("divides an integer constant by zero"),
                };
            }
            SetOutput(n, new ConstantValue(ConstTensor.OfInts(name, dims, r)));
        }
        else
        {
            if (a.DependsOnBatch || b.DependsOnBatch) n.Unsupported("mixes a value computed from the dynamic batch size with floats");
            float[] af = a.Floats, bf = b.Floats;
            var r = new float[length];
            for (int k = 0; k < length; k++)
            {
                float x = af[af.Length == 1 ? 0 : k], y = bf[bf.Length == 1 ? 0 : k];
                r[k] = n.OpType switch { "Add" => x + y, "Sub" => x - y, "Mul" => x * y, _ => x / y };
            }
            SetOutput(n, new ConstantValue(ConstTensor.OfFloats(name, dims, r)));
        }
        return true;
    }
}
