using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// Fully connected ops: Gemm, and MatMul by a constant (with the bias Add that follows it): on the last axis of any rank when
/// every leading index shares B (a Linear over tokens), as one block-diagonal dense map only where B differs between them.
/// </summary>
internal sealed partial class GraphImporter
{
    /// <summary>Y = alpha·A·B' + beta·C with A = [N, K]; alpha and beta are folded into the weight and bias.</summary>
    private void Gemm(OnnxNode n)
    {
        n.RequireInputs(2, 3);
        TensorValue a = n.Tensor(0); // transA=1 is refused by the version table
        if (a.Shape.Rank != 1)
        {
            n.Fail($"input A is [N, {string.Join(", ", a.Shape)}]; Gemm needs a matrix [N, K] (flatten the input first)");
        }
        float alpha = n.Float("alpha", 1), beta = n.Float("beta", 1);
        ConstTensor b = n.Weight(1, "B");
        if (b.Rank != 2) n.Fail($"B '{Text.Clean(b.Name)}' is {b.DimsText}, expected a matrix");
        bool transB = n.Int("transB", 0) != 0;
        int k = transB ? b.Dims[1] : b.Dims[0];
        int outputs = transB ? b.Dims[0] : b.Dims[1];
        if (k != a.Shape.Size) n.Fail($"B '{Text.Clean(b.Name)}' is {b.DimsText}{(transB ? " (transposed)" : "")}, "
            + $"but input A has {a.Shape.Size} features");
        float[] weight = transB ? Scaled(b.Floats, alpha) : Transposed(b.Floats, k, outputs, alpha);
        ThrowHelper.ThrowIfNotFinite(weight, $"{n.Where}: tensor '{Text.Clean(b.Name)}' scaled by alpha={alpha}");

        float[]? bias = null;
        if (n.HasInput(2) && beta != 0)
        {
            ConstTensor c = n.Weight(2, "C");
            bias = Scaled(VectorBias(c, outputs)
                ?? n.Unsupported<float[]>($"C '{Text.Clean(c.Name)}' {c.DimsText} does not broadcast to [1, {outputs}]"), beta);
            ThrowHelper.ThrowIfNotFinite(bias, $"{n.Where}: tensor '{Text.Clean(c.Name)}' scaled by beta={beta}");
        }
        SetOutput(n, n.Make(() => new DenseNode(n.Name, a.Node, new FloatTensor([outputs, k], weight), bias)));
    }

    /// <summary>
    /// A [N, K] tensor times a constant [K, M]. When the product's only reader is an Add of a constant vector, that
    /// Add becomes the Dense node's bias.
    /// </summary>
    private void MatMul(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        if (n.Input(0) is ConstantValue) n.Unsupported("a constant left operand is not supported; expected input × constant weight");
        if (n.Input(1) is not ConstantValue)
        {
            MatMulOfTensors(n);
            return;
        }
        TensorValue a = n.Tensor(0);
        if (a.Shape.Rank != 1)
        {
            BatchedMatMul(n, a, n.Weight(1, "B"));
            return;
        }
        ConstTensor b = n.Weight(1, "B");
        if (b.Rank != 2) n.Unsupported($"B '{Text.Clean(b.Name)}' is {b.DimsText}; only a constant matrix [K, M] is supported");
        int k = b.Dims[0], outputs = b.Dims[1];
        if (k != a.Shape.Size) n.Fail($"B '{Text.Clean(b.Name)}' is {b.DimsText}, but input A has {a.Shape.Size} features");
        float[] weight = Transposed(b.Floats, k, outputs, 1);

        DenseWithBias(n, a.Node, n.Name, new FloatTensor([outputs, k], weight), 1);
    }

    /// <summary>
    /// The Dense node of a MatMul by a constant, on the last axis of <paramref name="input"/>. When the product's only
    /// reader is an Add of a constant that varies along the last axis alone (a Linear's bias, also over tokens), that Add
    /// becomes the node's bias and its output the node's.
    /// </summary>
    private void DenseWithBias(OnnxNode n, Node input, string name, FloatTensor weight, int rank)
    {
        int outputs = weight.Shape[0];
        float[]? bias = null;
        NodeProto? add = SoleConsumer(n.Outputs[0]);
        if (add is { OpType: "Add", Domain: "" or "ai.onnx", Input.Count: 2, Output.Count: 1 }
            && _values.GetValueOrDefault(add.Input[0] == n.Outputs[0] ? add.Input[1] : add.Input[0]) is ConstantValue c
            && LastAxisBias(c.Tensor, rank, outputs) is { } vector)
        {
            ThrowHelper.ThrowIfNotFinite(vector, $"{n.Where}: tensor '{Text.Clean(c.Tensor.Name)}' (bias of the following Add)");
            bias = vector;
            _absorbed.Add(add);
        }
        DenseNode dense = n.Make(() => new DenseNode(name, input, weight, bias));
        SetOutput(n, dense);
        if (bias is not null) _values[add!.Output[0]] = new TensorValue(dense);
    }

    /// <summary>Most weights of the dense map a batched MatMul becomes (64 MB of float32).</summary>
    private const long MaxBatchedMatMulWeights = 1L << 24;

    /// <summary>
    /// A sample [..., m, k] times a constant B [..., k, n] (or a vector [k]) with NumPy broadcasting of the leading axes, as
    /// ONNX MatMul defines it: per sample a fixed linear map. When B's leading axes are all 1 (a Linear over tokens) it is a
    /// Dense node on A's last axis with A's leading axes as positions. Otherwise it becomes a Flatten, one Dense node over the
    /// sample (weight W[o, i] = B[…, k, j] where output o = (…, r, j) reads input i = (…, r, k)) and a Reshape to the
    /// product's shape. B's leading axes must not reach the batch axis with a size other than 1 (that would differ between
    /// samples).
    /// </summary>
    private void BatchedMatMul(OnnxNode n, TensorValue a, ConstTensor b)
    {
        int[] sa = a.Shape.ToArray();
        bool vector = b.Rank == 1;
        int[] sb = vector ? [b.Dims[0], 1] : [.. b.Dims];
        int m = sa[^2], k = sa[^1], cols = sb[^1];
        if (sb[^2] != k) n.Fail($"B '{Text.Clean(b.Name)}' is {b.DimsText}, but input A's rows have {k} elements");
        if (b.Rank > sa.Length + 1)
        {
            n.Unsupported($"B '{Text.Clean(b.Name)}' is {b.DimsText}, of higher rank than input A [N, {string.Join(", ", sa)}]: the "
                + "product would have an axis before the batch axis");
        }
        int[] batchA = sa[..^2], batchB = sb[..^2];
        if (batchB.Length > batchA.Length)
        {
            // B's extra leading axes meet the batch axis (and beyond): only size-1 axes are the same for every sample.
            if (batchB[..(batchB.Length - batchA.Length)].Any(d => d != 1))
            {
                n.Unsupported($"B '{Text.Clean(b.Name)}' is {b.DimsText}: its leading axes reach the batch axis of A [N, "
                    + $"{string.Join(", ", sa)}] with sizes other than 1");
            }
            batchB = batchB[(batchB.Length - batchA.Length)..];
        }
        batchB = [.. Enumerable.Repeat(1, batchA.Length - batchB.Length), .. batchB];
        int[] batch = new int[batchA.Length];
        for (int i = 0; i < batch.Length; i++)
        {
            if (batchA[i] != batchB[i] && batchA[i] != 1 && batchB[i] != 1)
            {
                n.Fail($"B '{Text.Clean(b.Name)}' is {b.DimsText}, which does not broadcast with input A [N, {string.Join(", ", sa)}]");
            }
            batch[i] = Math.Max(batchA[i], batchB[i]);
        }
        if (!vector && batchB.All(d => d == 1))
        {
            // The same B for every leading index: one Dense on A's last axis, its positions A's leading axes (broadcast
            // leading axes of size 1 in B add nothing: batchB is all ones, so batch equals batchA).
            DenseWithBias(n, a.Node, n.Name, new FloatTensor([cols, k], Transposed(b.Floats, k, cols, 1)), sa.Length);
            return;
        }
        long blocks = batch.Aggregate(1L, (p, d) => p * d);
        long inputs = a.Shape.Size, outputs = blocks * m * cols;
        if (inputs * outputs > MaxBatchedMatMulWeights)
        {
            n.Unsupported($"input A [N, {string.Join(", ", sa)}] times B {b.DimsText} would be a dense map of {inputs:N0} × "
                + $"{outputs:N0} weights, over the limit of {MaxBatchedMatMulWeights:N0}");
        }
        var weight = new float[outputs * inputs];
        int[] index = new int[batch.Length];
        for (long block = 0; block < blocks; block++)
        {
            long rest = block;
            for (int i = batch.Length - 1; i >= 0; i--) (index[i], rest) = ((int)(rest % batch[i]), rest / batch[i]);
            long blockA = 0, blockB = 0;
            for (int i = 0; i < batch.Length; i++)
            {
                blockA = blockA * batchA[i] + (batchA[i] == 1 ? 0 : index[i]);
                blockB = blockB * batchB[i] + (batchB[i] == 1 ? 0 : index[i]);
            }
            for (int r = 0; r < m; r++)
            {
                for (int j = 0; j < cols; j++)
                {
                    long o = (block * m + r) * cols + j;
                    for (int q = 0; q < k; q++) weight[o * inputs + (blockA * m + r) * k + q] = b.Floats[(blockB * k + q) * cols + j];
                }
            }
        }
        ThrowHelper.ThrowIfNotFinite(weight, $"{n.Where}: tensor '{Text.Clean(b.Name)}'");
        int[] shape = vector ? [.. batch, m] : [.. batch, m, cols];
        ReshapeNode flat = n.Make(() => new ReshapeNode(UniqueName(n.Name + "/flatten"), a.Node, new Shape((int)inputs), "Flatten"));
        DenseNode dense = n.Make(() => new DenseNode(UniqueName(n.Name + "/dense"), flat, new FloatTensor([(int)outputs, (int)inputs],
            weight), null));
        SetOutput(n, n.Make(() => new ReshapeNode(n.Name, dense, new Shape(shape), "MatMul")));
    }

    /// <summary>
    /// A constant added to a [N, …, <paramref name="length"/>] tensor of per-sample rank <paramref name="rank"/> that varies
    /// along the last axis alone ([length], [1, …, 1, length] or a scalar), expanded to <paramref name="length"/>; null
    /// otherwise (it then stays an Add of its own).
    /// </summary>
    private static float[]? LastAxisBias(ConstTensor c, int rank, int length)
    {
        if (rank == 1) return VectorBias(c, length);
        ReadOnlySpan<int> dims = c.Dims;
        if (dims.Length > rank + 1 || (dims.Length > 0 && dims[^1] != 1 && dims[^1] != length)) return null;
        for (int i = 0; i < dims.Length - 1; i++)
        {
            if (dims[i] != 1) return null;
        }
        float[] v = c.Floats;
        return v.Length == length ? (float[])v.Clone() : Enumerable.Repeat(v[0], length).ToArray();
    }

    /// <summary>
    /// A constant broadcast onto a vector of <paramref name="length"/>, expanded to that length; null when it does not fit.
    /// </summary>
    private static float[]? VectorBias(ConstTensor c, int length)
    {
        float[]? v = ConstantBroadcast.ToPerSample(c, new Shape(length), out _);
        return v is null ? null : v.Length == length ? (float[])v.Clone() : Enumerable.Repeat(v[0], length).ToArray();
    }

    private static float[] Scaled(float[] values, float factor)
    {
        var result = (float[])values.Clone();
        if (factor != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(result, factor, result);
        return result;
    }

    /// <summary>factor · Bᵀ for B = [rows, cols] row-major.</summary>
    private static float[] Transposed(float[] b, int rows, int cols, float factor)
    {
        var t = new float[b.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++) t[c * rows + r] = factor * b[r * cols + c];
        }
        return t;
    }
}
