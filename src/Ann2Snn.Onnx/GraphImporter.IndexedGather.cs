using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Onnx;

/// <summary>
/// GatherElements and GatherND of a runtime tensor with constant indices. Their indices span ONNX axis 0, so they are
/// read over the whole batch, which the file must fix at the indices' first dim N: the ONNX definition gives, for each
/// element o of the output [N, …], the element M[o] of the input [N, …] it copies. The op is per-sample, and imports
/// as a <see cref="GatherNode"/> with map s, exactly when M[b·P + r] = b·Q + s[r] for every sample b (P and Q the
/// per-sample sizes of output and input): every sample takes the same elements of its own input.
/// </summary>
internal sealed partial class GraphImporter
{
    /// <summary>
    /// GatherElements: y[c] = x[c with c[axis] := indices[c]], over the coordinates c of the output (indices' shape).
    /// </summary>
    private void GatherElementsTensor(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        TensorValue x = n.Tensor(0);
        long[] indices = n.Integers(1, "indices");
        int[] indexDims = n.Constant(1, "indices").Dims;
        int[] dims = [BatchOfIndices(n, indexDims), .. x.Shape.ToArray()];
        if (indexDims.Length != dims.Length) n.Fail($"indices have rank {indexDims.Length}, the data rank {dims.Length}; they must match");
        int axis = NormalizeAxis(n, n.Int("axis", 0), dims.Length, "axis");
        for (int a = 0; a < dims.Length; a++)
        {
            if (a != axis && indexDims[a] > dims[a])
            {
                n.Fail($"indices [{string.Join(", ", indexDims)}] exceed the data [{string.Join(", ", dims)}] on axis {a}");
            }
        }
        int[] picked = GatherIndices(n, indices, axis, dims[axis]);
        int[] strides = Strides(dims);
        var map = new long[picked.Length];
        var c = new int[indexDims.Length];
        for (int k = 0; k < map.Length; k++)
        {
            long offset = 0;
            for (int a = 0; a < dims.Length; a++) offset += (long)(a == axis ? picked[k] : c[a]) * strides[a];
            map[k] = offset;
            Advance(c, indexDims);
        }
        SetBatchGather(n, x, map, indexDims);
    }

    /// <summary>
    /// GatherND with batch_dims b: each index tuple t of length m (the last dim of indices), at position p of the
    /// indices' leading dims, selects the slice x[p[0..b], t, …] of the trailing data dims; y has the shape
    /// indices.shape[..−1] + data.shape[b+m..].
    /// </summary>
    private void GatherNdTensor(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        TensorValue x = n.Tensor(0);
        long[] indices = n.Integers(1, "indices");
        int[] indexDims = n.Constant(1, "indices").Dims;
        if (indexDims.Length < 2) n.Unsupported($"indices have rank {indexDims.Length}: the result loses axis 0 (the batch)");
        int[] dims = [BatchOfIndices(n, indexDims), .. x.Shape.ToArray()];
        long batchDims = n.Int("batch_dims", 0);
        int q = indexDims.Length, m = indexDims[q - 1];
        if (batchDims < 0 || batchDims >= q) n.Fail($"batch_dims {batchDims} must lie in 0…{q - 1} for indices of rank {q}");
        int b = (int)batchDims;
        if (m < 1 || b + m > dims.Length)
        {
            n.Fail($"index tuples of length {m} after {b} batch dims do not fit the data [{string.Join(", ", dims)}]");
        }
        if (!indexDims.AsSpan(0, b).SequenceEqual(dims.AsSpan(0, b)))
        {
            n.Fail($"the first {b} dims of indices [{string.Join(", ", indexDims)}] and data [{string.Join(", ", dims)}] differ");
        }
        int[] strides = Strides(dims);
        int slice = dims[(b + m)..].Aggregate(1, (s, d) => s * d), tuples = indexDims[..(q - 1)].Aggregate(1, (s, d) => s * d);
        long perSample = (long)slice * tuples / dims[0];
        if (perSample > Shape.MaxElements)
        {
            n.Fail($"the result has {perSample} elements per sample, more than the limit of {Shape.MaxElements}");
        }
        var map = new long[slice * tuples];
        var p = new int[q - 1];
        for (int t = 0; t < tuples; t++)
        {
            long offset = 0;
            for (int a = 0; a < b; a++) offset += (long)p[a] * strides[a];
            for (int k = 0; k < m; k++) offset += (long)GatherIndex(n, indices[t * m + k], b + k, dims[b + k]) * strides[b + k];
            for (int e = 0; e < slice; e++) map[t * slice + e] = offset + e;
            Advance(p, indexDims.AsSpan(0, q - 1));
        }
        SetBatchGather(n, x, map, [.. indexDims[..(q - 1)], .. dims[(b + m)..]]);
    }

    /// <summary>
    /// The batch the indices' first dim fixes: it must be the input's batch, fixed by the file (a symbolic batch
    /// would change size whenever it differs from the indices').
    /// </summary>
    private int BatchOfIndices(OnnxNode n, int[] indexDims)
    {
        int first = indexDims.Length > 0 ? indexDims[0] : 1;
        if (_fixedBatch == 0)
        {
            n.Unsupported($"the constant indices fix axis 0 (the batch) at {first}, but the input's batch is symbolic");
        }
        if (first != _fixedBatch) n.Unsupported($"axis 0 (the batch) changes size, {_fixedBatch} to {first}");
        return first;
    }

    /// <summary>
    /// Imports the whole-batch map <paramref name="map"/> (output of <paramref name="outDims"/>, batch first) as a
    /// per-sample gather; refused when the samples do not all take the same elements of their own input.
    /// </summary>
    private void SetBatchGather(OnnxNode n, TensorValue x, long[] map, int[] outDims)
    {
        int batch = outDims[0], outPer = map.Length / batch, inPer = x.Shape.Size;
        if (outPer == 0) n.Unsupported("the result is empty");
        var local = new int[outPer];
        for (int b = 0; b < batch; b++)
        {
            for (int r = 0; r < outPer; r++)
            {
                long s = map[(b * outPer) + r] - ((long)b * inPer);
                if (b == 0) local[r] = (int)s;
                if (s < 0 || s >= inPer || s != local[r])
                {
                    n.Unsupported($"output sample {b} does not take the same elements of its own input as sample 0 does "
                        + "(the indices differ along axis 0, the batch); only a selection common to all samples is supported");
                }
            }
        }
        int[] shape = outDims.Length == 1 ? [1] : outDims[1..];
        SetOutput(n, n.Make(() => new GatherNode(n.Name, x.Node, local, new Shape(shape), n.OpType)));
    }

    /// <summary>Row-major strides of a tensor of <paramref name="dims"/>.</summary>
    private static int[] Strides(int[] dims)
    {
        var strides = new int[dims.Length];
        for (int a = dims.Length - 1, s = 1; a >= 0; s *= dims[a], a--) strides[a] = s;
        return strides;
    }

    /// <summary>Steps the row-major coordinate <paramref name="c"/> within <paramref name="dims"/> to the next element.</summary>
    private static void Advance(int[] c, ReadOnlySpan<int> dims)
    {
        for (int a = c.Length - 1; a >= 0; a--)
        {
            if (++c[a] < dims[a]) return;
            c[a] = 0;
        }
    }
}
