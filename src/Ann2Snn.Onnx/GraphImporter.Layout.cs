using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>Ops that move data between positions: Transpose (of tensors and of constants) and Pad.</summary>
internal sealed partial class GraphImporter
{
    /// <summary>
    /// A Transpose that keeps the batch axis first becomes a <see cref="TransposeNode"/> over the per-sample axes; one that
    /// moves the batch yields a <see cref="MovedBatchValue"/>.
    /// </summary>
    private void Transpose(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        (Node x, int batchAxis) = n.AnyTensor(0);
        int[] perm = TransposePermutation(n, x.OutputShape.Rank + 1);
        if (batchAxis == 0 && perm[0] == 0)
        {
            int[] perSample = [.. perm[1..].Select(a => a - 1)];
            SetOutput(n, n.Make(() => new TransposeNode(n.Name, x, perSample)));
            return;
        }
        // The batch moves (to or from a sequence-first layout): only recurrent ops and a few shape ops read the result.
        TransposeMoved(n, x, batchAxis);
    }

    /// <summary>A Transpose of a constant is the permuted constant (first sweep); false when its input is computed.</summary>
    private bool TryFoldTranspose(NodeProto p)
    {
        if (p.Input.Count != 1 || _values.GetValueOrDefault(p.Input[0]) is not ConstantValue) return false;
        OnnxNode n = Describe(p, unique: false);
        ConstTensor c = n.Constant(0, "data");
        int[] perm = TransposePermutation(n, c.Rank);
        int[] dims = Array.ConvertAll(perm, a => c.Dims[a]);
        string name = n.Outputs[0];
        SetOutput(n, new ConstantValue(c.Ints is { } ints
            ? ConstTensor.OfInts(name, dims, Permuted(ints, c.Dims, perm))
            : ConstTensor.OfFloats(name, dims, Permuted(c.Floats, c.Dims, perm))));
        return true;
    }

    /// <summary>The perm attribute (default: the axes reversed), checked to be a permutation of <paramref name="rank"/> axes.</summary>
    private static int[] TransposePermutation(OnnxNode n, int rank)
    {
        long[] perm = n.Ints("perm") ?? [.. Enumerable.Range(0, rank).Reverse().Select(a => (long)a)];
        int[] p = Array.ConvertAll(perm, a => a is >= 0 and < int.MaxValue ? (int)a : -1);
        if (!TransposeNode.IsPermutation(p, rank))
        {
            n.Fail($"perm=[{string.Join(", ", perm)}] is not a permutation of the {rank} axes of its input");
        }
        return p;
    }

    /// <summary>y[j] = x[k] with k[perm[i]] = j[i], for a small constant (an odometer over the output index).</summary>
    private static T[] Permuted<T>(T[] data, int[] dims, int[] perm)
    {
        int rank = dims.Length;
        var strides = new long[rank];
        for (long a = rank - 1, s = 1; a >= 0; a--)
        {
            strides[a] = s;
            s *= dims[a];
        }
        var result = new T[data.Length];
        var index = new int[rank];
        long source = 0;
        for (int k = 0; k < result.Length; k++)
        {
            result[k] = data[source];
            for (int i = rank - 1; i >= 0; i--)
            {
                long step = strides[perm[i]];
                index[i]++;
                source += step;
                if (index[i] < dims[perm[i]]) break;
                source -= step * index[i];
                index[i] = 0;
            }
        }
        return result;
    }

    /// <summary>
    /// Pad with pads as attribute (before opset 11) or input, an optional constant_value and (opset 18) axes. A zero,
    /// spatial-only Pad that feeds a single Conv or pooling node becomes part of its window (PyTorch exports AvgPool2d
    /// with padding as Pad + AveragePool); any other Pad becomes a <see cref="PadNode"/>. Negative pads crop.
    /// </summary>
    private void Pad(OnnxNode n)
    {
        n.RequireInputs(1, 4);
        TensorValue x = n.Tensor(0);
        int rank = x.Shape.Rank + 1;
        string modeText = n.String("mode", "constant");
        PadMode mode = modeText switch
        {
            "constant" => PadMode.Constant,
            "reflect" => PadMode.Reflect,
            "edge" => PadMode.Edge,
            "wrap" => PadMode.Wrap,
            _ => n.Unsupported<PadMode>($"mode={Text.Clean(modeText)} is not supported; expected constant, reflect, edge or wrap"),
        };
        long[] pads;
        float value;
        int[] axes = [.. Enumerable.Range(0, rank)];
        if (n.Opset < 11)
        {
            pads = n.Ints("pads") ?? n.Fail<long[]>("attribute pads is required");
            value = n.Float("value", 0);
        }
        else
        {
            pads = n.Integers(1, "pads");
            value = n.HasInput(2) ? n.Scalar(2, "constant_value") : 0;
            if (n.HasInput(3)) axes = NormalizeAxes(n, n.Integers(3, "axes"), rank);
        }
        if (pads.Length != 2 * axes.Length) n.Fail($"pads has {pads.Length} values, expected {2 * axes.Length}");
        string text = $"pads=[{string.Join(", ", pads)}]";
        if (pads.Any(p => Math.Abs(p) > 1 << 16)) n.Fail($"{text} is implausibly large");
        if (mode == PadMode.Constant && !float.IsFinite(value)) n.Fail($"constant_value={value} must be finite");
        var begin = new int[rank];
        var end = new int[rank];
        for (int i = 0; i < axes.Length; i++)
        {
            begin[axes[i]] = (int)pads[i];
            end[axes[i]] = (int)pads[i + axes.Length];
        }
        if (begin[0] != 0 || end[0] != 0) n.Unsupported($"{text} pads the batch axis; only the per-sample axes may be padded");
        if (begin.All(p => p == 0) && end.All(p => p == 0))
        {
            SetOutput(n, x);
            return;
        }
        if (mode == PadMode.Constant && value == 0 && FoldsIntoWindow(x, begin, end, n.Outputs[0]))
        {
            bool plane = x.Shape.Rank == 3;
            SetOutput(n, new PaddedValue(x.Node, plane ? begin[2] : 0, begin[rank - 1], plane ? end[2] : 0, end[rank - 1], n.Name));
            return;
        }
        SetOutput(n, n.Make(() => new PadNode(n.Name, x.Node, mode, begin[1..], end[1..], mode == PadMode.Constant ? value : 0f)));
    }

    /// <summary>
    /// Whether zero padding of <paramref name="x"/> by the (full-rank) pads, producing <paramref name="output"/>, can
    /// join the window of its single reader: only the spatial axes grow, and the reader is a Conv, an AveragePool that
    /// counts padding or has no pads of its own, or a MaxPool of a non-negative input (where zeros equal its −∞ padding).
    /// </summary>
    private bool FoldsIntoWindow(TensorValue x, int[] begin, int[] end, string output)
    {
        if (!x.Shape.IsSpatial || begin[1] != 0 || end[1] != 0 || begin.Any(p => p < 0) || end.Any(p => p < 0)) return false;
        NodeProto? consumer = SoleConsumer(output);
        if (consumer is null || consumer.Domain is not ("" or "ai.onnx") || consumer.Input.Count == 0 || consumer.Input[0] != output)
        {
            return false;
        }
        bool ownPads = consumer.Attribute.Any(a => (a.Name == "pads" && a.Ints.Any(p => p != 0))
            || (a.Name == "auto_pad" && a.S.ToStringUtf8() is "SAME_UPPER" or "SAME_LOWER"));
        bool countIncludePad = consumer.Attribute.Any(a => a.Name == "count_include_pad" && a.I != 0);
        return consumer.OpType switch
        {
            "Conv" => true,
            "AveragePool" => !ownPads || countIncludePad,
            "MaxPool" => IsNonNegative(x.Node),
            _ => false,
        };
    }
}
