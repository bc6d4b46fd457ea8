using System.Collections.Frozen;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// Shape arithmetic folded at import: the ops exporters write to compute shapes and indices (Shape, Gather, Slice, Concat,
/// Cast, ConstantOfShape, ReduceProd, Expand) become constants. A shape read from a runtime tensor carries the dynamic batch
/// as the symbol <see cref="ConstTensor.BatchSize"/>, so <c>Reshape(x, Concat(Shape(x)[0:1], [-1]))</c> (the dynamo
/// exporter's Flatten) folds to "keep the batch, flatten the rest".
/// </summary>
internal sealed partial class GraphImporter
{
    /// <summary>The ops folded here when their inputs are constants (Shape: when its input's dims are known).</summary>
    private static readonly FrozenSet<string> ShapeArithmetic =
        FrozenSet.ToFrozenSet(
            ["Shape", "Gather", "Slice", "Concat", "Cast", "ConstantOfShape", "ReduceProd", "Expand", "Equal", "Where"],
            StringComparer.Ordinal);

    private void FoldShapeArithmetic(OnnxNode n)
    {
        ConstTensor result = n.OpType switch
        {
            "Shape" => ShapeOf(n),
            "Gather" => Gather(n),
            "Slice" => Slice(n),
            "Concat" => ConcatConstants(n),
            "Cast" => Cast(n, n.Constant(0, "input", batchAllowed: true)),
            "ConstantOfShape" => ConstantOfShape(n),
            "ReduceProd" => ReduceProd(n),
            "Expand" => Expand(n),
            "Equal" => EqualConstants(n),
            "Where" => WhereConstants(n),
            _ => throw new InvalidOperationException($"no fold for {n.OpType}"),
        };
        SetOutput(n, new ConstantValue(result));
    }

    /// <summary>Import of a Cast of a runtime tensor: to a floating-point type it changes nothing here (all tensors are float).</summary>
    private void CastTensor(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        TensorValue x = n.Tensor(0);
        long to = n.Int("to", 0);
        if (to is not (1 or 10 or 11 or 16))
        {
            n.Unsupported($"Cast of a runtime tensor to {TensorDecoder.DataTypeName((int)to)} is not supported; "
                + "only to a floating-point type");
        }
        SetOutput(n, n.Make(() => new IdentityNode(n.Name, x.Node, "Cast")));
    }

    /// <summary>Import of a shape-arithmetic op whose data is a runtime tensor (Shape folds; these do not): refused.</summary>
    private static void ShapeArithmeticOfTensor(OnnxNode n) =>
        n.Unsupported($"{n.OpType} of a runtime tensor is not supported; only of constants and shapes (folded at import)");

    private static ConstTensor ShapeOf(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        long[] dims = n.Input(0) switch
        {
            TensorValue t => [ConstTensor.BatchSize, .. t.Shape.Select(d => (long)d)],
            MovedBatchValue m => [.. m.Node.OutputShape.Take(m.BatchAxis).Select(d => (long)d), ConstTensor.BatchSize,
                .. m.Node.OutputShape.Skip(m.BatchAxis).Select(d => (long)d)],
            ConstantValue c => Array.ConvertAll(c.Tensor.Dims, d => (long)d),
            _ => n.Fail<long[]>("input 0 must be a tensor"),
        };
        int rank = dims.Length;
        int start = ClampAxis(n.Int("start", 0), rank), end = ClampAxis(n.Int("end", rank), rank);
        long[] slice = end > start ? dims[start..end] : [];
        return ConstTensor.OfInts(n.Outputs[0], [slice.Length], slice);
    }

    /// <summary>Shape's start/end: negative counts from the back; clamped to [0, rank].</summary>
    private static int ClampAxis(long axis, int rank) => (int)Math.Clamp(axis < 0 ? axis + rank : axis, 0, rank);

    private static ConstTensor Gather(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        ConstTensor data = n.Constant(0, "data", batchAllowed: true);
        long[] indices = n.Integers(1, "indices");
        int[] indexDims = n.Constant(1, "indices").Dims;
        if (data.Rank == 0) n.Fail("data must have rank ≥ 1");
        int axis = NormalizeAxis(n, n.Int("axis", 0), data.Rank, "axis");
        int[] picked = GatherIndices(n, indices, axis, data.Dims[axis]);
        int[] dims = [.. data.Dims[..axis], .. indexDims, .. data.Dims[(axis + 1)..]];
        return Select(n, data, [.. Enumerable.Range(0, data.Rank).Select(a => a == axis ? picked : Everything(data.Dims[a]))], dims);
    }

    /// <summary>Gather's indices along an axis of <paramref name="size"/>: negative ones count from the end; others are refused.</summary>
    private static int[] GatherIndices(OnnxNode n, long[] indices, int axis, int size) =>
        Array.ConvertAll(indices, i => GatherIndex(n, i, axis, size));

    /// <summary>One index along an axis of <paramref name="size"/>: a negative one counts from the end; others are refused.</summary>
    private static int GatherIndex(OnnxNode n, long i, int axis, int size) => i >= -size && i < size
        ? (int)(i < 0 ? i + size : i)
        : n.Fail<int>($"index {i} is out of range for axis {axis} of size {size}");

    /// <summary>Slice of a constant.</summary>
    private static ConstTensor Slice(OnnxNode n)
    {
        ConstTensor data = n.Constant(0, "data", batchAllowed: true);
        (long[] starts, long[] ends, long[] axes, long[] steps) = SliceArguments(n);
        int[] normalized = NormalizeAxes(n, axes, data.Rank);
        int[][] picks = [.. Enumerable.Range(0, data.Rank).Select(a => Everything(data.Dims[a]))];
        for (int k = 0; k < normalized.Length; k++)
        {
            int a = normalized[k];
            picks[a] = SliceIndices(n, data.Dims[a], starts[k], ends[k], steps[k]);
        }
        return Select(n, data, picks, [.. picks.Select(p => p.Length)]);
    }

    /// <summary>
    /// Slice of a runtime tensor, per sample: ONNX axis 0 (the batch) may only be taken whole (start 0, step 1, an end
    /// past the batch), as exporters write for "all samples".
    /// </summary>
    private void SliceTensor(OnnxNode n)
    {
        TensorValue x = n.Tensor(0);
        (long[] starts, long[] ends, long[] axes, long[] steps) = SliceArguments(n);
        int[] dims = x.Shape.ToArray();
        int[] normalized = NormalizeAxes(n, axes, dims.Length + 1);
        int[][] picks = [.. dims.Select(Everything)];
        for (int k = 0; k < normalized.Length; k++)
        {
            int a = normalized[k];
            if (a == 0)
            {
                bool whole = starts[k] == 0 && steps[k] == 1 && (ends[k] >= int.MaxValue || (_fixedBatch > 0 && ends[k] >= _fixedBatch));
                if (!whole) n.Unsupported($"slices axis 0, the batch ([{starts[k]}, {ends[k]}) step {steps[k]})");
                continue;
            }
            picks[a - 1] = SliceIndices(n, dims[a - 1], starts[k], ends[k], steps[k]);
        }
        SetGather(n, x, picks, [.. picks.Select(p => p.Length)]);
    }

    /// <summary>Slice's starts, ends, axes and steps: inputs from opset 10, attributes (no steps) before.</summary>
    private static (long[] Starts, long[] Ends, long[] Axes, long[] Steps) SliceArguments(OnnxNode n)
    {
        long[] starts, ends, axes, steps;
        if (n.Opset >= 10)
        {
            n.RequireInputs(3, 5);
            starts = n.Integers(1, "starts");
            ends = n.Integers(2, "ends");
            axes = n.HasInput(3) ? n.Integers(3, "axes") : [.. Enumerable.Range(0, starts.Length).Select(a => (long)a)];
            steps = n.HasInput(4) ? n.Integers(4, "steps") : [.. starts.Select(_ => 1L)];
        }
        else
        {
            n.RequireInputs(1, 1);
            starts = n.Ints("starts") ?? n.Fail<long[]>("attribute starts is required");
            ends = n.Ints("ends") ?? n.Fail<long[]>("attribute ends is required");
            axes = n.Ints("axes") ?? [.. Enumerable.Range(0, starts.Length).Select(a => (long)a)];
            steps = [.. starts.Select(_ => 1L)];
        }
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
        {
            n.Fail($"starts, ends, axes and steps must have equal lengths ({starts.Length}, {ends.Length}, {axes.Length}, {steps.Length})");
        }
        return (starts, ends, axes, steps);
    }

    /// <summary>Gather of a runtime tensor along a per-sample axis, with constant indices.</summary>
    private void GatherTensor(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        if (n.Input(0) is MovedBatchValue moved)
        {
            GatherMoved(n, moved.Node, moved.BatchAxis);
            return;
        }
        TensorValue x = n.Tensor(0);
        long[] indices = n.Integers(1, "indices");
        int[] indexDims = n.Constant(1, "indices").Dims;
        int[] dims = x.Shape.ToArray();
        int axis = NormalizeAxis(n, n.Int("axis", 0), dims.Length + 1, "axis");
        if (axis == 0) n.Unsupported("gathers along axis 0, the batch");
        int[] picked = GatherIndices(n, indices, axis, dims[axis - 1]);
        int[][] picks = [.. dims.Select(Everything)];
        picks[axis - 1] = picked;
        int[] shape = [.. dims[..(axis - 1)], .. indexDims, .. dims[axis..]];
        SetGather(n, x, picks, shape.Length == 0 ? [1] : shape);
    }

    /// <summary>Expand of a runtime tensor: each sample broadcast to the shape's per-sample dims (its first dim is the batch).</summary>
    private void ExpandTensor(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        TensorValue x = n.Tensor(0);
        long[] shape = n.Integers(1, "shape", batchAllowed: true);
        int rank = x.Shape.Rank + 1;
        if (shape.Length > rank) n.Unsupported($"shape [{string.Join(", ", shape)}] adds axes before the batch");
        long[] full = [.. Enumerable.Repeat(1L, rank - shape.Length), .. shape];
        if (!(full[0] is 1 or ConstTensor.BatchSize || (_fixedBatch > 0 && full[0] == _fixedBatch)))
        {
            n.Unsupported($"shape [{string.Join(", ", shape)}] changes the batch dimension");
        }
        if (full.Skip(1).Any(ConstTensor.IsSymbolic)) n.Unsupported("the per-sample shape is computed from the batch size");
        int[] dims = x.Shape.ToArray();
        var target = new int[dims.Length];
        for (int a = 0; a < dims.Length; a++)
        {
            long s = full[a + 1];
            if (s is < 1 or > Shape.MaxElements)
            {
                n.Fail($"shape [{string.Join(", ", shape)}] has dim {s}; dims must lie in 1…{Shape.MaxElements} (the size limit)");
            }
            target[a] = dims[a] == 1 ? (int)s : s == 1 || s == dims[a] ? dims[a]
                : n.Fail<int>($"cannot expand [N, {string.Join(", ", dims)}] to [{string.Join(", ", shape)}]");
            if (target[a] <= 0) n.Fail($"shape [{string.Join(", ", shape)}] has a dim below 1");
        }
        int[][] picks = [.. dims.Select((d, a) => d == 1 ? new int[target[a]] : Everything(d))];
        SetGather(n, x, picks, target);
    }

    private void SetGather(OnnxNode n, TensorValue x, int[][] picks, int[] shape)
    {
        if (picks.Any(p => p.Length == 0)) n.Unsupported("the result is empty");
        long size = picks.Aggregate(1L, (a, p) => a * p.Length);
        if (size > Shape.MaxElements) n.Fail($"the result has {size} elements per sample, more than the limit of {Shape.MaxElements}");
        int[] map = Offsets(x.Shape.ToArray(), picks);
        SetOutput(n, n.Make(() => new GatherNode(n.Name, x.Node, map, new Shape(shape), n.OpType)));
    }

    /// <summary>The indices one axis of Slice keeps: start and end clamped as the ONNX spec says, then stepped.</summary>
    private static int[] SliceIndices(OnnxNode n, int dim, long start, long end, long step)
    {
        if (step == 0) n.Fail("a step of 0 is not allowed");
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
        }
        else
        {
            start = Math.Clamp(start, 0, dim - 1);
            end = Math.Clamp(end, -1, dim - 1);
        }
        var picked = new List<int>();
        for (long i = start; step > 0 ? i < end : i > end; i += step) picked.Add((int)i);
        return [.. picked];
    }

    private static int[] Everything(int dim) => [.. Enumerable.Range(0, dim)];

    private static ConstTensor ConcatConstants(OnnxNode n)
    {
        if (n.InputCount == 0) n.Fail("has no inputs");
        ConstTensor[] parts = [.. Enumerable.Range(0, n.InputCount).Select(i => n.Constant(i, $"input {i}", batchAllowed: true))];
        if (!n.HasAttribute("axis")) n.Fail("attribute axis is required");
        int rank = parts[0].Rank;
        if (rank == 0) n.Fail("cannot concatenate scalars");
        int axis = NormalizeAxis(n, n.Int("axis", 0), rank, "axis");
        foreach (ConstTensor p in parts)
        {
            if (p.Rank != rank || Enumerable.Range(0, rank).Any(a => a != axis && p.Dims[a] != parts[0].Dims[a]))
            {
                n.Fail($"inputs of dims {string.Join(" and ", parts.Select(q => q.DimsText))} differ off axis {axis}");
            }
        }
        int[] dims = [.. parts[0].Dims];
        dims[axis] = parts.Sum(p => p.Dims[axis]);
        int outer = dims[..axis].Aggregate(1, (a, d) => a * d);
        int inner = dims[(axis + 1)..].Aggregate(1, (a, d) => a * d);
        if (parts.All(p => p.IsInteger))
        {
            return ConstTensor.OfInts(n.Outputs[0], dims, Interleave(parts.Select(p => p.Ints!).ToArray(), parts, axis, outer, inner));
        }
        if (parts.Any(p => p.DependsOnBatch)) n.Unsupported("mixes a value computed from the dynamic batch size with floats");
        return ConstTensor.OfFloats(n.Outputs[0], dims, Interleave(parts.Select(p => p.Floats).ToArray(), parts, axis, outer, inner));
    }

    private static T[] Interleave<T>(T[][] data, ConstTensor[] parts, int axis, int outer, int inner)
    {
        var result = new T[data.Sum(d => d.Length)];
        int at = 0;
        for (int o = 0; o < outer; o++)
        {
            for (int k = 0; k < parts.Length; k++)
            {
                int block = parts[k].Dims[axis] * inner;
                Array.Copy(data[k], o * block, result, at, block);
                at += block;
            }
        }
        return result;
    }

    /// <summary>Cast of a constant: to a floating-point type, or to an integer type (truncating toward zero; bool is x ≠ 0).</summary>
    private static ConstTensor Cast(OnnxNode n, ConstTensor x)
    {
        n.RequireInputs(1, 1);
        long to = n.Int("to", 0);
        string name = n.Outputs[0];
        switch (to)
        {
            case 1 or 10 or 11 or 16:
                if (x.DependsOnBatch) n.Unsupported("casts a value computed from the dynamic batch size to floating point");
                return ConstTensor.OfFloats(name, x.Dims, x.Floats);
            case 9:
                return ConstTensor.OfInts(name, x.Dims, x.Ints is { } b
                    ? Array.ConvertAll(b, v => ConstTensor.IsSymbolic(v) ? v : v != 0 ? 1L : 0L)
                    : Array.ConvertAll(x.Floats, v => v != 0 ? 1L : 0L));
            case 2 or 3 or 4 or 5 or 6 or 7 or 12 or 13:
                return x.Ints is not null ? x.WithDims(name, x.Dims) : ConstTensor.OfInts(name, x.Dims, Array.ConvertAll(x.Floats,
                    v => float.IsFinite(v) ? (long)v : n.Fail<long>($"casts the non-finite value {v} to an integer type")));
            default:
                return n.Unsupported<ConstTensor>($"Cast to {TensorDecoder.DataTypeName((int)to)} is not supported");
        }
    }

    private ConstTensor ConstantOfShape(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        long[] shape = n.Integers(0, "shape", batchAllowed: true);
        if (shape.Any(ConstTensor.IsSymbolic))
        {
            // PyTorch's zero initial state of a recurrent op, [D, N, H]: the same for every sample, so one sample's worth.
            if (!shape.All(d => d != ConstTensor.DependsOnBatchSize) || !OnlyInitialState(n.Outputs[0]))
            {
                n.Unsupported($"shape ('{Text.Clean(n.InputName(0))}') is computed from the dynamic batch size; "
                    + "only the initial state of a recurrent op may be");
            }
            shape = Array.ConvertAll(shape, d => d == ConstTensor.BatchSize ? 1 : d);
        }
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0) n.Fail($"shape [{string.Join(", ", shape)}] has a negative dim");
            if (d > _options.MaxTensorElements) n.Fail($"shape [{string.Join(", ", shape)}] exceeds the tensor size limit");
            count *= d;
            if (count > _options.MaxTensorElements) n.Fail($"shape [{string.Join(", ", shape)}] exceeds the tensor size limit");
        }
        int[] dims = Array.ConvertAll(shape, d => (int)d);
        ConstTensor value = n.TensorAttribute("value") is { } t
            ? TensorDecoder.Decode(t, n.Outputs[0], n.Where, _options.MaxTensorElements, _external)
            : ConstTensor.OfFloats(n.Outputs[0], [1], [0f]);
        if (value.Length != 1) n.Fail($"attribute value must hold one element, has {value.Length}");
        return value.Ints is { } i
            ? ConstTensor.OfInts(n.Outputs[0], dims, Enumerable.Repeat(i[0], (int)count).ToArray())
            : ConstTensor.OfFloats(n.Outputs[0], dims, Enumerable.Repeat(value.Floats[0], (int)count).ToArray());
    }

    /// <summary>ReduceProd of a constant: axes as attribute (before opset 18) or input; a value from the batch makes it symbolic.</summary>
    private static ConstTensor ReduceProd(OnnxNode n)
    {
        n.RequireInputs(1, 2);
        ConstTensor x = n.Constant(0, "data", batchAllowed: true);
        long[]? axes = n.Opset >= 18 ? (n.HasInput(1) ? n.Integers(1, "axes") : null) : n.Ints("axes");
        bool keep = n.Int("keepdims", 1) != 0;
        if ((axes is null || axes.Length == 0) && n.Int("noop_with_empty_axes", 0) != 0) return x.WithDims(n.Outputs[0], x.Dims);
        int[] reduced = axes is null || axes.Length == 0 ? Everything(x.Rank) : NormalizeAxes(n, axes, x.Rank);
        int[] outDims = [.. x.Dims.Select((d, a) => reduced.Contains(a) ? 1 : d)];
        int outLength = outDims.Aggregate(1, (a, d) => a * d);
        int[] target = OutputIndexOf(x.Dims, outDims);
        int[] dims = keep ? outDims : [.. x.Dims.Where((_, a) => !reduced.Contains(a))];
        if (x.Ints is { } ints)
        {
            var r = Enumerable.Repeat(1L, outLength).ToArray();
            for (int i = 0; i < ints.Length; i++)
            {
                r[target[i]] = ConstTensor.IsSymbolic(ints[i]) || ConstTensor.IsSymbolic(r[target[i]])
                    ? ConstTensor.DependsOnBatchSize
                    : r[target[i]] * ints[i];
            }
            return ConstTensor.OfInts(n.Outputs[0], dims, r);
        }
        float[] floats = x.Floats;
        var f = Enumerable.Repeat(1f, outLength).ToArray();
        for (int i = 0; i < floats.Length; i++) f[target[i]] *= floats[i];
        return ConstTensor.OfFloats(n.Outputs[0], dims, f);
    }

    /// <summary>Expand of a constant to a shape, with bidirectional (numpy) broadcasting.</summary>
    private static ConstTensor Expand(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        ConstTensor x = n.Constant(0, "input", batchAllowed: true);
        long[] shape = n.Integers(1, "shape", batchAllowed: true);
        int rank = Math.Max(x.Rank, shape.Length);
        int[] from = [.. Enumerable.Repeat(1, rank - x.Rank), .. x.Dims];
        var dims = new int[rank];
        for (int a = 0; a < rank; a++)
        {
            long s = a - (rank - shape.Length) is var k && k >= 0 ? shape[k] : 1;
            // A learned token expanded over the dynamic batch stays [1, …]: the same for every sample (Concat joins it).
            if (a == 0 && s == ConstTensor.BatchSize && from[0] == 1 && rank == shape.Length) s = 1;
            if (s is < 0 or > Shape.MaxElements)
            {
                n.Fail($"shape [{string.Join(", ", shape)}] has dim {s}; dims must lie in 0…{Shape.MaxElements} (the size limit)");
            }
            dims[a] = from[a] == 1 ? (int)s : s == 1 || s == from[a] ? from[a] : n.Fail<int>(
                $"cannot expand {x.DimsText} to [{string.Join(", ", shape)}]");
        }
        int[][] picks = [.. Enumerable.Range(0, rank).Select(a => from[a] == 1 ? new int[dims[a]] : Everything(dims[a]))];
        return Select(n, x.WithDims(x.Name, from), picks, dims);
    }

    /// <summary>
    /// The elements at the cross product of <paramref name="picks"/> (one index list per axis, row-major), as a tensor of
    /// <paramref name="dims"/> (whose element count is the product of the lists' lengths).
    /// </summary>
    private static ConstTensor Select(OnnxNode n, ConstTensor source, int[][] picks, int[] dims)
    {
        long count = picks.Aggregate(1L, (a, p) => a * p.Length);
        if (count > Shape.MaxElements) n.Fail($"the result has {count} elements, more than the limit of {Shape.MaxElements}");
        int[] offsets = Offsets(source.Dims, picks);
        string name = n.Outputs[0];
        if (source.Ints is { } ints) return ConstTensor.OfInts(name, dims, Array.ConvertAll(offsets, o => ints[o]));
        float[] floats = source.Floats;
        return ConstTensor.OfFloats(name, dims, Array.ConvertAll(offsets, o => floats[o]));
    }

    /// <summary>
    /// The flat indices into a row-major tensor of <paramref name="dims"/> of the cross product of <paramref name="picks"/>
    /// (one index list per axis), in row-major order of the result.
    /// </summary>
    private static int[] Offsets(int[] dims, int[][] picks)
    {
        int[] strides = Strides(dims);
        var offsets = new int[picks.Aggregate(1, (a, p) => a * p.Length)];
        var index = new int[dims.Length];
        for (int k = 0; k < offsets.Length; k++)
        {
            int offset = 0;
            for (int a = 0; a < dims.Length; a++) offset += picks[a][index[a]] * strides[a];
            offsets[k] = offset;
            for (int a = dims.Length - 1; a >= 0; a--)
            {
                if (++index[a] < picks[a].Length) break;
                index[a] = 0;
            }
        }
        return offsets;
    }

    /// <summary>
    /// For each element of a tensor of <paramref name="dims"/>, its flat index in the reduced tensor of <paramref name="outDims"/>.
    /// </summary>
    private static int[] OutputIndexOf(int[] dims, int[] outDims)
    {
        int length = dims.Aggregate(1, (a, d) => a * d);
        var result = new int[length];
        var index = new int[dims.Length];
        for (int i = 0; i < length; i++)
        {
            int o = 0;
            for (int a = 0; a < dims.Length; a++) o = o * outDims[a] + (outDims[a] == 1 ? 0 : index[a]);
            result[i] = o;
            for (int a = dims.Length - 1; a >= 0; a--)
            {
                if (++index[a] < dims[a]) break;
                index[a] = 0;
            }
        }
        return result;
    }
}
