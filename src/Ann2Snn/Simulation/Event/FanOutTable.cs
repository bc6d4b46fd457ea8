using System.Runtime.InteropServices;
using Ann2Snn.Kernels;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Simulation.Event;

/// <summary>
/// A projection's chain of synaptic ops composed into one synaptic matrix and stored per source neuron: the targets
/// one spike reaches and the weights it adds there ("fan-out table"). Dense rows when a spike may reach half the
/// targets or more (a dense layer: its weight matrix transposed), sparse rows (CSR) otherwise (pooling, gains,
/// concatenation, selections, convolution into a large map, a dense layer over tokens: a spike reaches its own token's
/// outputs). Rows
/// follow the source's layout and columns the target's; weights include the value each spike carries.
/// </summary>
internal sealed class FanOutTable
{
    private FanOutTable(int rows, int columns, float[]? dense, int[]? rowOf, int[] offsets, int[] indices, float[] weights)
    {
        Rows = rows;
        Columns = columns;
        DenseRows = dense;
        RowOf = rowOf;
        Offsets = offsets;
        Indices = indices;
        Weights = weights;
    }

    public int Rows { get; }
    public int Columns { get; }

    /// <summary>The distinct dense rows [distinct × Columns], or null for sparse rows.</summary>
    public float[]? DenseRows { get; }

    /// <summary>
    /// Per source neuron: its row in <see cref="DenseRows"/>, when sources share rows (the neurons of one average-pooling
    /// window before a dense layer reach the same targets with the same weights); null when row r is source r.
    /// </summary>
    public int[]? RowOf { get; }

    public int[] Offsets { get; }
    public int[] Indices { get; }
    public float[] Weights { get; }

    /// <summary>An upper bound on the targets one source neuron reaches through <paramref name="ops"/>.</summary>
    public static long FanOutBound(IReadOnlyList<SynapticOp> ops)
    {
        long bound = 1;
        foreach (SynapticOp op in ops)
        {
            long f = op switch
            {
                DenseOp d => d.OutputShape.Size,
                TokenDenseOp t => t.OutFeatures,
                SelectOp s => s.MaxFanOut(),
                ConvOp c => (long)(c.OutputShape.Channels / c.Groups) * c.Window.KernelH * c.Window.KernelW,
                AvgPoolOp p => (long)p.Window.KernelH * p.Window.KernelW,
                _ => 1,
            };
            bound = Math.Min(bound * f, op.OutputShape.Size);
        }
        return bound;
    }

    /// <summary>
    /// Composes the chain, or returns null when its table could hold more than <paramref name="budget"/> entries.
    /// <paramref name="source"/> is null for the encoded input (canonical order).
    /// </summary>
    public static FanOutTable? TryCompose(IReadOnlyList<SynapticOp> ops, LayerLayout? source, LayerLayout target, float gain, long budget)
    {
        int rows = ops[0].InputShape.Size, columns = ops[^1].OutputShape.Size;
        long bound = FanOutBound(ops);
        if ((long)rows * bound > budget) return null;
        // Dense rows when a spike may reach half the targets or more (a dense layer reaches all of them).
        bool dense = bound * 2 >= columns;
        var composer = new Composer(ops);
        float[]? table = dense ? new float[(long)rows * columns] : null;
        var offsets = new int[rows + 1];
        var indices = new List<int>();
        var weights = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            var (idx, val, count) = composer.Row(source?.ToCanonical(r) ?? r);
            for (int e = 0; e < count; e++)
            {
                int column = target.ToInternal(idx[e]);
                float weight = val[e] * gain;
                if (table is not null)
                {
                    table[(long)r * columns + column] = weight;
                }
                else
                {
                    idx[e] = column;
                    val[e] = weight;
                }
            }
            if (table is not null) continue;
            Array.Sort(idx, val, 0, count);
            indices.AddRange(idx.AsSpan(0, count));
            weights.AddRange(val.AsSpan(0, count));
            offsets[r + 1] = indices.Count;
        }
        if (table is null) return new FanOutTable(rows, columns, null, null, offsets, indices.ToArray(), weights.ToArray());
        var (distinct, rowOf) = ShareIdenticalRows(table, rows, columns);
        return new FanOutTable(rows, columns, distinct, rowOf, [], [], []);
    }

    /// <summary>
    /// Keeps one copy of each distinct row (bit for bit): a smaller table that stays in cache better. Returns the table
    /// unchanged and a null map when every row is distinct.
    /// </summary>
    private static (float[] Rows, int[]? RowOf) ShareIdenticalRows(float[] table, int rows, int columns)
    {
        var rowOf = new int[rows];
        var byHash = new Dictionary<int, List<int>>(); // hash → distinct rows (as source rows) with that hash
        var firsts = new List<int>();
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<int> bits = Bits(table, r, columns);
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(bits));
            int h = hash.ToHashCode();
            if (!byHash.TryGetValue(h, out List<int>? same)) byHash[h] = same = [];
            int found = -1;
            foreach (int f in same)
            {
                if (Bits(table, firsts[f], columns).SequenceEqual(bits)) found = f;
            }
            if (found < 0)
            {
                found = firsts.Count;
                firsts.Add(r);
                same.Add(found);
            }
            rowOf[r] = found;
        }
        if (firsts.Count == rows) return (table, null);
        var distinct = new float[(long)firsts.Count * columns];
        for (int u = 0; u < firsts.Count; u++) table.AsSpan(firsts[u] * columns, columns).CopyTo(distinct.AsSpan(u * columns, columns));
        return (distinct, rowOf);
    }

    private static ReadOnlySpan<int> Bits(float[] table, int row, int columns) =>
        MemoryMarshal.Cast<float, int>(table.AsSpan(row * columns, columns));

    /// <summary>Pushes one unit spike through the chain: a sparse vector carried op by op, merged in an accumulator.</summary>
    private sealed class Composer
    {
        private readonly IReadOnlyList<SynapticOp> _ops;
        // dense, token dense: Wᵀ; scale: gains; avgpool: divisors
        private readonly Dictionary<SynapticOp, float[]> _prepared = new(ReferenceEqualityComparer.Instance);

        // select: per input element the outputs reading it (CSR)
        private readonly Dictionary<SynapticOp, (int[] Offsets, int[] Outputs)> _readers = new(ReferenceEqualityComparer.Instance);
        private int[] _idx, _nextIdx;
        private float[] _val, _nextVal;
        private readonly float[] _acc;
        private readonly int[] _stamp;
        private int _count, _next, _epoch;

        public Composer(IReadOnlyList<SynapticOp> ops)
        {
            _ops = ops;
            int max = ops.Max(o => Math.Max(o.InputShape.Size, o.OutputShape.Size));
            (_idx, _nextIdx, _val, _nextVal) = (new int[max], new int[max], new float[max], new float[max]);
            _acc = new float[max];
            _stamp = new int[max];
            foreach (SynapticOp op in ops)
            {
                _prepared[op] = Prepare(op);
                if (op is SelectOp s) _readers[op] = s.Readers();
            }
        }

        public (int[] Indices, float[] Values, int Count) Row(int input)
        {
            _idx[0] = input;
            _val[0] = 1f;
            _count = 1;
            foreach (SynapticOp op in _ops) Apply(op);
            return (_idx, _val, _count);
        }

        private static float[] Prepare(SynapticOp op)
        {
            switch (op)
            {
                case DenseOp d:
                    return Transposed(d.Weight);
                case TokenDenseOp t:
                    return Transposed(t.Weight);
                case ScaleOp s:
                    return s.ElementGains();
                case AvgPoolOp p:
                    {
                        // The divisor of each output cell, as the pooling kernel computes it.
                        Shape x = p.InputShape, y = p.OutputShape;
                        Window2d w = p.Window;
                        int[] rowFirst = new int[y.Height], rowCount = new int[y.Height], rowPadded = new int[y.Height];
                        int[] colFirst = new int[y.Width], colCount = new int[y.Width], colPadded = new int[y.Width];
                        Pool2d.Taps(y.Height, x.Height, w.KernelH, w.StrideH, w.PadTop, w.PadBottom, w.DilationH,
                            rowFirst, rowCount, rowPadded);
                        Pool2d.Taps(y.Width, x.Width, w.KernelW, w.StrideW, w.PadLeft, w.PadRight, w.DilationW,
                            colFirst, colCount, colPadded);
                        var divisor = new float[y.Height * y.Width];
                        for (int oy = 0; oy < y.Height; oy++)
                        {
                            for (int ox = 0; ox < y.Width; ox++) divisor[oy * y.Width + ox] = p.CountIncludePad
                                ? rowPadded[oy] * colPadded[ox]
                                : rowCount[oy] * colCount[ox];
                        }
                        return divisor;
                    }
                default:
                    return [];
            }
        }

        /// <summary>Wᵀ [In × Out] of a weight [Out × In]: row i holds what input i adds to each output.</summary>
        private static float[] Transposed(FloatTensor w)
        {
            int outs = w.Shape[0], ins = w.Shape[1];
            var t = new float[w.Length];
            for (int o = 0; o < outs; o++)
            {
                for (int i = 0; i < ins; i++) t[i * outs + o] = w.Data[o * ins + i];
            }
            return t;
        }

        private void Apply(SynapticOp op)
        {
            float[] prepared = _prepared[op];
            switch (op)
            {
                case ReshapeOp:
                    return;
                case ScaleOp:
                    for (int e = 0; e < _count; e++) _val[e] *= prepared[_idx[e]];
                    return;
                case ConcatSliceOp c:
                    {
                        int shift = c.ChannelOffset * (c.OutputShape.Size / c.OutputShape.Channels);
                        for (int e = 0; e < _count; e++) _idx[e] += shift;
                        return;
                    }
                case DenseOp d:
                    Begin();
                    for (int e = 0; e < _count; e++)
                    {
                        int outs = d.OutputShape.Size;
                        ReadOnlySpan<float> row = prepared.AsSpan(_idx[e] * outs, outs);
                        for (int o = 0; o < outs; o++) Emit(o, _val[e] * row[o]);
                    }
                    break;
                case TokenDenseOp t:
                    Begin();
                    for (int e = 0; e < _count; e++)
                    {
                        // Input (p, i) reaches outputs (p, 0…Out) of its own position through row i of Wᵀ.
                        int outs = t.OutFeatures, first = _idx[e] / t.InFeatures * outs;
                        ReadOnlySpan<float> row = prepared.AsSpan(_idx[e] % t.InFeatures * outs, outs);
                        for (int o = 0; o < outs; o++) Emit(first + o, _val[e] * row[o]);
                    }
                    break;
                case SelectOp:
                    {
                        Begin();
                        var (offsets, outputs) = _readers[op];
                        for (int e = 0; e < _count; e++)
                        {
                            for (int k = offsets[_idx[e]]; k < offsets[_idx[e] + 1]; k++) Emit(outputs[k], _val[e]);
                        }
                        break;
                    }
                case ConvOp c:
                    Begin();
                    for (int e = 0; e < _count; e++) EmitWindows(c, c.Window, prepared, _idx[e], _val[e]);
                    break;
                case AvgPoolOp p:
                    Begin();
                    for (int e = 0; e < _count; e++) EmitWindows(p, p.Window, prepared, _idx[e], _val[e]);
                    break;
                default:
                    throw new InvalidModelException($"{op.Kind} synapses: the event simulator cannot compose them");
            }
            for (int e = 0; e < _next; e++) _nextVal[e] = _acc[_nextIdx[e]];
            (_idx, _nextIdx) = (_nextIdx, _idx);
            (_val, _nextVal) = (_nextVal, _val);
            _count = _next;
        }

        private void Begin()
        {
            _next = 0;
            if (++_epoch == int.MaxValue)
            {
                Array.Clear(_stamp);
                _epoch = 1;
            }
        }

        private void Emit(int o, float v)
        {
            if (_stamp[o] != _epoch)
            {
                _stamp[o] = _epoch;
                _acc[o] = v;
                _nextIdx[_next++] = o;
            }
            else
            {
                _acc[o] += v;
            }
        }

        /// <summary>
        /// Everything input <paramref name="input"/> reaches through a windowed op: for each tap whose window lies
        /// inside the output, every output channel of its group (convolution) or its own channel with weight 1/divisor
        /// (average pooling).
        /// </summary>
        private void EmitWindows(SynapticOp op, Window2d w, float[] divisor, int input, float v)
        {
            Shape x = op.InputShape, y = op.OutputShape;
            int ch = input / (x.Height * x.Width), iy = input / x.Width % x.Height, ix = input % x.Width;
            for (int ky = 0; ky < w.KernelH; ky++)
            {
                int oy = SpikeScatter.WindowAt(iy, ky, w.StrideH, w.PadTop, w.DilationH, y.Height);
                if (oy < 0) continue;
                for (int kx = 0; kx < w.KernelW; kx++)
                {
                    int ox = SpikeScatter.WindowAt(ix, kx, w.StrideW, w.PadLeft, w.DilationW, y.Width);
                    if (ox < 0) continue;
                    if (op is not ConvOp c)
                    {
                        Emit((ch * y.Height + oy) * y.Width + ox, v / divisor[oy * y.Width + ox]);
                        continue;
                    }
                    int inPerGroup = c.Weight.Shape[1], outPerGroup = y.Channels / c.Groups, taps = w.KernelH * w.KernelW;
                    int group = ch / inPerGroup, ci = ch % inPerGroup;
                    for (int og = 0; og < outPerGroup; og++)
                    {
                        int o = group * outPerGroup + og;
                        Emit((o * y.Height + oy) * y.Width + ox, v * c.Weight.Data[(o * inPerGroup + ci) * taps + ky * w.KernelW + kx]);
                    }
                }
            }
        }
    }
}
