using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Onnx;

/// <summary>Ops that move data without computing: Flatten, Reshape, Squeeze, Unsqueeze, Concat, Identity, Dropout.</summary>
internal sealed partial class GraphImporter
{
    private void Identity(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        SetOutput(n, n.Make(() => new IdentityNode(n.Name, n.Tensor(0).Node, "Identity")));
    }

    private void Dropout(OnnxNode n)
    {
        n.RequireInputs(1, 3);
        // Inference is the default; from opset 12 an optional input 2 can ask for training.
        if (n.HasInput(1)) n.Scalar(1, "ratio"); // ignored at inference, but it must be well formed
        if (n.HasInput(2) && n.Integers(2, "training_mode") is var training && (training.Length != 1 || training[0] != 0))
        {
            n.Unsupported("training_mode=true is not supported; export the model in eval mode");
        }
        SetOutput(n, n.Make(() => new IdentityNode(n.Name, n.Tensor(0).Node, "Dropout")));
    }

    private void Flatten(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        TensorValue x = n.Tensor(0);
        int axis = FlattenAxis(n, x.Shape.Rank + 1);
        if (axis != 1)
        {
            n.Unsupported($"axis={n.Int("axis", 1)} is not supported on a rank-{x.Shape.Rank + 1} tensor; "
                + "only axis 1 (keep the batch, flatten the rest) is");
        }
        SetOutput(n, n.Make(() => new ReshapeNode(n.Name, x.Node, new Shape(x.Shape.Size), "Flatten")));
    }

    private void Reshape(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        TensorValue x = n.Tensor(0);
        long[] target = (long[])n.Integers(1, "shape", batchAllowed: true).Clone();
        // A first dim computed from Shape is the batch itself (the dynamo exporter writes Flatten this way).
        bool symbolicBatch = target.Length > 0 && target[0] == ConstTensor.BatchSize;
        if (symbolicBatch) target[0] = 0;
        if (target.Any(ConstTensor.IsSymbolic))
        {
            n.Unsupported("the target shape is computed from the dynamic batch size beyond its first dim; "
                + "only [batch, …] (the batch first, the rest constant) is supported");
        }
        bool allowZero = n.Int("allowzero", 0) != 0;
        if (target.Length < 2)
        {
            n.Unsupported($"shape [{string.Join(", ", target)}] is not supported; "
                + "the first dim is the batch and at least one more is needed");
        }
        long batch = target[0];
        // The first dim is the batch: 0 copies it, -1 infers it (the rest must then keep the per-sample size),
        // and a literal is accepted only when it is the batch the input fixes.
        if (!(batch == -1 || (batch == 0 && (!allowZero || symbolicBatch)) || (batch > 0 && batch == _fixedBatch)))
        {
            n.Unsupported($"shape [{string.Join(", ", target)}] changes the batch dimension; its first value must be 0 or -1");
        }
        if (batch == -1 && target.Skip(1).Contains(-1)) n.Fail($"shape [{string.Join(", ", target)}] has two -1 values");
        int[] dims = ReshapeDims(n, x.Shape.ToArray(), target.AsSpan(1), allowZero);
        SetOutput(n, n.Make(() => new ReshapeNode(n.Name, x.Node, new Shape(dims), "Reshape")));
    }

    private void Squeeze(OnnxNode n)
    {
        n.RequireInputs(1, 2);
        if (n.Input(0) is MovedBatchValue moved)
        {
            SqueezeMoved(n, moved.Node, moved.BatchAxis);
            return;
        }
        TensorValue x = n.Tensor(0);
        long[] axes = SqueezeAxes(n, required: true)
            ?? n.Unsupported<long[]>("Squeeze without axes is not supported (it would also remove a batch of 1); give the axes");
        int[] full = [1, .. x.Shape];
        if (NormalizeAxes(n, axes, full.Length).Contains(0)) n.Unsupported("squeezing axis 0 (the batch) is not supported");
        int[] dims = SqueezeDims(n, full, axes)[1..];
        if (dims.Length == 0) n.Unsupported("squeezing to a scalar per sample is not supported");
        SetOutput(n, n.Make(() => new ReshapeNode(n.Name, x.Node, new Shape(dims), "Squeeze")));
    }

    private void Unsqueeze(OnnxNode n)
    {
        n.RequireInputs(1, 2);
        TensorValue x = n.Tensor(0);
        long[] axes = SqueezeAxes(n, required: true)!;
        if (NormalizeAxes(n, axes, x.Shape.Rank + 1 + axes.Length).Contains(0)) n.Unsupported("inserting an axis before the batch "
            + "is not supported");
        int[] full = UnsqueezeDims(n, [1, .. x.Shape], axes);
        SetOutput(n, n.Make(() => new ReshapeNode(n.Name, x.Node, new Shape(full[1..]), "Unsqueeze")));
    }

    private void Concat(OnnxNode n)
    {
        if (n.InputCount == 0) n.Fail("has no inputs");
        List<Node> inputs = ConcatInputs(n);
        if (!n.HasAttribute("axis")) n.Fail("attribute axis is required");
        int rank = inputs[0].OutputShape.Rank + 1;
        if (NormalizeAxis(n, n.Int("axis", 1), rank, "axis") != 1)
        {
            n.Unsupported($"axis={n.Int("axis", 1)} is not supported; only axis 1 (channels) is");
        }
        SetOutput(n, n.Make(() => new ConcatNode(n.Name, inputs)));
    }

    // ---- dims arithmetic shared by constants and tensors ----

    /// <summary>Resolves a Reshape target against <paramref name="dims"/>: 0 copies the dim at the same index, -1 is inferred.</summary>
    private static int[] ReshapeDims(OnnxNode n, int[] dims, ReadOnlySpan<long> target, bool allowZero)
    {
        long size = dims.Aggregate(1L, (a, d) => a * d);
        var result = new int[target.Length];
        int infer = -1;
        long known = 1;
        string text = $"[{string.Join(", ", target.ToArray())}]";
        for (int i = 0; i < target.Length; i++)
        {
            long t = target[i];
            if (t == -1)
            {
                if (infer >= 0) n.Fail($"shape {text} has two -1 values");
                infer = i;
                continue;
            }
            if (t == 0 && !allowZero)
            {
                if (i >= dims.Length) n.Fail($"shape {text} copies dim {i} (0), which the input [{string.Join(", ", dims)}] lacks");
                t = dims[i];
            }
            else if (t <= 0 || t > int.MaxValue)
            {
                n.Unsupported($"shape {text} has value {t}; only positive dims, 0 (copy) and -1 (infer) are supported");
            }
            result[i] = (int)t;
            known *= t;
            if (known > size) n.Fail($"cannot reshape [{string.Join(", ", dims)}] ({size} elements) to {text}");
        }
        if (infer >= 0)
        {
            if (known == 0 || size % known != 0) n.Fail($"cannot reshape [{string.Join(", ", dims)}] ({size} elements) to {text}");
            result[infer] = (int)(size / known);
        }
        else if (known != size)
        {
            n.Fail($"cannot reshape [{string.Join(", ", dims)}] ({size} elements) to {text}");
        }
        return result;
    }

    /// <summary>The axes of Squeeze/Unsqueeze: the attribute before opset 13, the optional second input from 13.</summary>
    private static long[]? SqueezeAxes(OnnxNode n, bool required)
    {
        long[]? axes = n.Opset >= 13 ? (n.HasInput(1) ? n.Integers(1, "axes") : null) : n.Ints("axes");
        if (axes is null && required && n.OpType == "Unsqueeze") n.Fail("axes are required");
        return axes;
    }

    private static int[] SqueezeDims(OnnxNode n, int[] dims, long[]? axes)
    {
        if (axes is null) return [.. dims.Where(d => d != 1)];
        int[] normalized = NormalizeAxes(n, axes, dims.Length);
        foreach (int a in normalized)
        {
            if (dims[a] != 1) n.Fail($"cannot squeeze axis {a} of size {dims[a]}");
        }
        return [.. dims.Where((_, i) => !normalized.Contains(i))];
    }

    private static int[] UnsqueezeDims(OnnxNode n, int[] dims, long[] axes)
    {
        int rank = dims.Length + axes.Length;
        int[] normalized = NormalizeAxes(n, axes, rank);
        var result = new int[rank];
        int source = 0;
        for (int i = 0; i < rank; i++) result[i] = normalized.Contains(i) ? 1 : dims[source++];
        return result;
    }

    private static int[] NormalizeAxes(OnnxNode n, long[] axes, int rank)
    {
        int[] normalized = Array.ConvertAll(axes, a => NormalizeAxis(n, a, rank, "axes"));
        if (normalized.Distinct().Count() != normalized.Length) n.Fail($"axes [{string.Join(", ", axes)}] repeat an axis");
        return normalized;
    }

    /// <summary>An axis in [-rank, rank) as an index in [0, rank).</summary>
    private static int NormalizeAxis(OnnxNode n, long axis, int rank, string what)
    {
        long a = axis < 0 ? axis + rank : axis;
        return a >= 0 && a < rank ? (int)a : n.Fail<int>($"{what} {axis} is out of range for rank {rank}");
    }

    /// <summary>Flatten's axis, in [-rank, rank], as an index in [0, rank].</summary>
    private static int FlattenAxis(OnnxNode n, int rank)
    {
        long axis = n.Int("axis", 1);
        long a = axis < 0 ? axis + rank : axis;
        return a >= 0 && a <= rank ? (int)a : n.Fail<int>($"axis {axis} is out of range for rank {rank}");
    }
}
