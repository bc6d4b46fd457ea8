using System.Numerics.Tensors;
using Ann2Snn.Kernels;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// An <see cref="OperatorLayer"/> compiled for a run: each operand's projections, the rows its function works on, the
/// batch offsets of a product. <see cref="Step"/> is one step of "accumulate, compute, emit the difference" for n images:
/// Aₜ = Aₜ₋₁ + aₜ, Yₜ = t·f(Aₜ/t), oₜ = Yₜ − Yₜ₋₁, under <see cref="OperatorEvaluation"/>.
/// <para>
/// It returns the operations it performed, the operator's MACs: a multiply-accumulate of the product counts one, and so
/// does each element-wise arithmetic operation or transcendental (f costs <see cref="CostOf"/> per element of a row it
/// evaluates; keeping the sums costs 1 per operand element, the mean Aₜ/t 1 per input element it evaluates, the scaling
/// by t and the difference 1 each per output element).
/// </para>
/// </summary>
internal sealed class OperatorCircuit
{
    private readonly int[] _aOffsets = [], _bOffsets = [];

    public OperatorCircuit(OperatorLayer layer, CompiledProjection[] projections, OperatorEvaluation mode)
    {
        Layer = layer;
        Mode = mode;
        int at = 0;
        Operands = layer.Operands.Select(o =>
        {
            CompiledProjection[] mine = projections[at..(at + o.Projections.Count)];
            at += o.Projections.Count;
            return mine;
        }).ToArray();
        OperandSizes = layer.Operands.Select(o => o.Shape.Size).ToArray();
        OutSize = layer.Shape.Size;
        RowLength = layer.Operator switch
        {
            OperatorKind.Softmax => layer.Shape[^1],
            OperatorKind.LayerNorm => layer.NormalizedSize,
            _ => 1,
        };
        if (layer.Operator != OperatorKind.MatMul) return;
        var (a, b) = (layer.Operands[0].Shape, layer.Operands[1].Shape);
        (M, K, N) = (a[^2], a[^1], b[^1]);
        // Per product of the output's leading axes: the element offset of the matrix of A and of B it reads (broadcast).
        int rank = layer.Shape.Rank;
        int[] to = [.. layer.Shape.Take(rank - 2)];
        int[] Lead(Tensors.Shape s) => [.. Enumerable.Range(0, rank - 2).Select(i => OperatorLayer.BatchDim(s, i, rank))];
        _aOffsets = [.. Broadcast.Offsets(Lead(a), to).Select(i => i * M * K)];
        _bOffsets = [.. Broadcast.Offsets(Lead(b), to).Select(i => i * K * N)];
    }

    public OperatorLayer Layer { get; }
    public OperatorEvaluation Mode { get; }

    /// <summary>Per operand: its compiled projections.</summary>
    public CompiledProjection[][] Operands { get; }
    public int[] OperandSizes { get; }
    public int OutSize { get; }

    /// <summary>Elements f works on together: the last axis (softmax), the normalized axes (LayerNorm), 1 (GELU).</summary>
    public int RowLength { get; }

    /// <summary>The product's A [m×k] and B [k×n] per batch.</summary>
    public int M { get; }

    /// <inheritdoc cref="M"/>
    public int K { get; }

    /// <inheritdoc cref="M"/>
    public int N { get; }

    /// <summary>Operations f takes per element of a row it evaluates (the product's are counted per multiply-accumulate).</summary>
    public static int CostOf(OperatorKind op) => op switch
    {
        OperatorKind.Softmax => 5, // max, subtract, exp, sum, divide
        OperatorKind.LayerNorm => 6, // mean, subtract, square-sum, scale by 1/σ, γ·x + β (2)
        OperatorKind.Gelu => 4, // x/√2, erf, 1 + ·, x/2 · ·
        _ => 0,
    };

    /// <summary>One worker's state for up to <paramref name="capacity"/> images.</summary>
    public State NewState(int capacity) => new(this, capacity);

    /// <summary>
    /// Step t (from 0) of n images: adds the operands' currents (<see cref="State.Current"/>, filled by the caller) to their
    /// sums and writes oₜ to <paramref name="output"/> (n × <see cref="OutSize"/>); returns the operations performed.
    /// </summary>
    public long Step(State s, int n, int t, Span<float> output)
    {
        float steps = t + 1;
        long ops = 0;
        for (int x = 0; x < Operands.Length; x++) ops += (long)n * OperandSizes[x];
        for (int b = 0; b < n; b++)
        {
            Span<float> o = output.Slice(b * OutSize, OutSize);
            Span<float> previous = s.Emitted.AsSpan(b * OutSize, OutSize);
            ops += Layer.Operator == OperatorKind.MatMul
                ? Mode == OperatorEvaluation.Exact ? ProductExact(s, b, steps, o) : ProductIncremental(s, b, steps, o)
                : Rows(s, b, steps, o);
            // o holds Yₜ: emit the difference and keep Yₜ.
            TensorPrimitives.Subtract(o, previous, s.Scratch);
            o.CopyTo(previous);
            s.Scratch.AsSpan(0, OutSize).CopyTo(o);
            ops += 2L * OutSize;
        }
        return ops;
    }

    private static void Accumulate(State s, int x, int b, int size)
    {
        Span<float> sum = s.Sums[x].AsSpan(b * size, size);
        TensorPrimitives.Add(sum, s.Current[x].AsSpan(b * size, size), sum);
    }

    /// <summary>Yₜ = AₜBₜ/t from the accumulated operands.</summary>
    private long ProductExact(State s, int b, float steps, Span<float> y)
    {
        Accumulate(s, 0, b, OperandSizes[0]);
        Accumulate(s, 1, b, OperandSizes[1]);
        OperatorKernels.BatchedMatMul(s.Sums[0].AsSpan(b * OperandSizes[0], OperandSizes[0]),
            s.Sums[1].AsSpan(b * OperandSizes[1], OperandSizes[1]), M, K, N, _aOffsets, _bOffsets, y);
        TensorPrimitives.Multiply(y, 1f / steps, y);
        return (long)_aOffsets.Length * M * K * N;
    }

    /// <summary>Zₜ = Zₜ₋₁ + aₜBₜ₋₁ + Aₜbₜ over the non-zero entries of aₜ and bₜ; Yₜ = Zₜ/t.</summary>
    private long ProductIncremental(State s, int b, float steps, Span<float> y)
    {
        int sa = OperandSizes[0], sb = OperandSizes[1];
        Span<float> z = s.Product.AsSpan(b * OutSize, OutSize);
        ReadOnlySpan<float> a = s.Current[0].AsSpan(b * sa, sa), bt = s.Current[1].AsSpan(b * sb, sb);
        ReadOnlySpan<float> sumA = s.Sums[0].AsSpan(b * sa, sa), sumB = s.Sums[1].AsSpan(b * sb, sb);
        long ops = 0;
        for (int g = 0; g < _aOffsets.Length; g++)
        {
            Span<float> zg = z.Slice(g * M * N, M * N);
            for (int i = 0; i < M; i++)
            {
                for (int p = 0; p < K; p++)
                {
                    float v = a[_aOffsets[g] + i * K + p];
                    if (v == 0f) continue;
                    TensorPrimitives.MultiplyAdd(sumB.Slice(_bOffsets[g] + p * N, N), v, zg.Slice(i * N, N), zg.Slice(i * N, N));
                    ops += N;
                }
            }
        }
        Accumulate(s, 0, b, sa);
        for (int g = 0; g < _aOffsets.Length; g++)
        {
            Span<float> zg = z.Slice(g * M * N, M * N);
            for (int p = 0; p < K; p++)
            {
                for (int j = 0; j < N; j++)
                {
                    float v = bt[_bOffsets[g] + p * N + j];
                    if (v == 0f) continue;
                    for (int i = 0; i < M; i++) zg[i * N + j] += sumA[_aOffsets[g] + i * K + p] * v;
                    ops += M;
                }
            }
        }
        Accumulate(s, 1, b, sb);
        TensorPrimitives.Multiply(z, 1f / steps, y);
        return ops;
    }

    /// <summary>Yₜ = t·f(Aₜ/t) row by row; under <see cref="OperatorEvaluation.Incremental"/> a row without input holds f.</summary>
    private long Rows(State s, int b, float steps, Span<float> y)
    {
        int size = OperandSizes[0], row = RowLength;
        ReadOnlySpan<float> current = s.Current[0].AsSpan(b * size, size);
        Accumulate(s, 0, b, size);
        ReadOnlySpan<float> sum = s.Sums[0].AsSpan(b * size, size), previous = s.Emitted.AsSpan(b * OutSize, OutSize);
        Span<float> mean = s.Scratch.AsSpan(0, size);
        bool all = Mode == OperatorEvaluation.Exact || steps == 1;
        long ops = 0;
        int cost = 1 + CostOf(Layer.Operator);
        for (int at = 0; at < size; at += row)
        {
            if (!all && TensorPrimitives.IndexOfMaxMagnitude(current.Slice(at, row)) is int k && current[at + k] == 0f)
            {
                // No input this step: hold f(Aₜ₋₁/(t − 1)), i.e. Yₜ = Yₜ₋₁ · t/(t − 1).
                TensorPrimitives.Multiply(previous.Slice(at, row), steps / (steps - 1), y.Slice(at, row));
                continue;
            }
            TensorPrimitives.Multiply(sum.Slice(at, row), 1f / steps, mean.Slice(at, row));
            Evaluate(mean.Slice(at, row), y.Slice(at, row));
            TensorPrimitives.Multiply(y.Slice(at, row), steps, y.Slice(at, row));
            ops += (long)cost * row;
        }
        return ops;
    }

    private void Evaluate(ReadOnlySpan<float> x, Span<float> y)
    {
        switch (Layer.Operator)
        {
            case OperatorKind.Softmax:
                OperatorKernels.SoftmaxRows(x, RowLength, y);
                break;
            case OperatorKind.LayerNorm:
                LayerNormKernels.Forward(x, RowLength, Layer.Epsilon, Layer.Gamma, Layer.Beta, y);
                break;
            default:
                ActivationKernels.Gelu(x, y);
                break;
        }
    }

    /// <summary>One worker's state of the operator: per operand the current and the sum, the last output Yₜ₋₁, scratch.</summary>
    internal sealed class State
    {
        public State(OperatorCircuit c, int capacity)
        {
            Current = c.OperandSizes.Select(s => new float[capacity * s]).ToArray();
            Sums = c.OperandSizes.Select(s => new float[capacity * s]).ToArray();
            Emitted = new float[capacity * c.OutSize];
            bool product = c.Layer.Operator == OperatorKind.MatMul && c.Mode == OperatorEvaluation.Incremental;
            Product = product ? new float[capacity * c.OutSize] : [];
            Scratch = new float[Math.Max(c.OutSize, c.OperandSizes.Max())];
        }

        /// <summary>Per operand: this step's current aₜ (n images), filled before <see cref="Step"/>.</summary>
        public float[][] Current { get; }

        /// <summary>Per operand: Aₜ.</summary>
        public float[][] Sums { get; }

        /// <summary>Yₜ₋₁: what was emitted so far.</summary>
        public float[] Emitted { get; }

        /// <summary>The incremental product's Zₜ = AₜBₜ.</summary>
        public float[] Product { get; }

        public float[] Scratch { get; }

        public void Clear()
        {
            foreach (float[] s in Sums) s.AsSpan().Clear();
            Emitted.AsSpan().Clear();
            Product.AsSpan().Clear();
        }
    }
}
