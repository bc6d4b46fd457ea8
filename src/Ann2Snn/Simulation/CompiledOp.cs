using System.Numerics.Tensors;
using Ann2Snn.Kernels;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Simulation;

/// <summary>
/// A synaptic op prepared for batched application: weights packed for the GEMM, geometry computed, gains expanded.
/// Applies y[n × out] = op(x[n × in]) for a batch of n samples.
/// </summary>
internal abstract class CompiledOp(SynapticOp op)
{
    public SynapticOp Op { get; } = op;
    public int InSize => Op.InputShape.Size;
    public int OutSize => Op.OutputShape.Size;

    /// <summary>True when the output is the input reinterpreted (no work, no copy).</summary>
    public virtual bool IsView => false;

    public abstract void Apply(ReadOnlySpan<float> x, int n, Span<float> y);

    public static CompiledOp Compile(SynapticOp op) => op switch
    {
        DenseOp d => new DenseCompiled(d),
        TokenDenseOp t => new TokenDenseCompiled(t),
        SelectOp s => new SelectCompiled(s),
        ConvOp c => new ConvCompiled(c),
        AvgPoolOp p => new AvgPoolCompiled(p),
        ReshapeOp r => new ReshapeCompiled(r),
        ScaleOp s => new ScaleCompiled(s),
        ConcatSliceOp c => new ConcatCompiled(c),
        _ => throw new InvalidModelException($"{op.Kind} synapses: the simulator has no kernel for them"),
    };

    private sealed class DenseCompiled(DenseOp d) : CompiledOp(d)
    {
        // Y[n × Out] = X[n × In] · Wᵀ, with W [Out × In] packed once as the B operand.
        private readonly GemmPackedB _w = GemmPackedB.Pack(d.Weight.Shape[1], d.Weight.Shape[0], d.Weight.Data, d.Weight.Shape[1],
            transposeB: true);

        public override void Apply(ReadOnlySpan<float> x, int n, Span<float> y) =>
            Gemm.Multiply(n, x, InSize, false, _w, y, OutSize);
    }

    private sealed class TokenDenseCompiled(TokenDenseOp t) : CompiledOp(t)
    {
        // Y[n·P × Out] = X[n·P × In] · Wᵀ: the positions of every sample are rows of one GEMM, W [Out × In] packed once.
        private readonly GemmPackedB _w = GemmPackedB.Pack(t.InFeatures, t.OutFeatures, t.Weight.Data, t.InFeatures, transposeB: true);

        public override void Apply(ReadOnlySpan<float> x, int n, Span<float> y) =>
            Gemm.Multiply(n * t.Positions, x, t.InFeatures, false, _w, y, t.OutFeatures);
    }

    private sealed class SelectCompiled(SelectOp s) : CompiledOp(s)
    {
        private readonly int[] _map = s.Map.ToArray();

        public override void Apply(ReadOnlySpan<float> x, int n, Span<float> y)
        {
            for (int b = 0; b < n; b++)
            {
                ReadOnlySpan<float> from = x.Slice(b * InSize, InSize);
                Span<float> to = y.Slice(b * OutSize, OutSize);
                for (int i = 0; i < to.Length; i++) to[i] = from[_map[i]];
            }
        }
    }

    private sealed class ConvCompiled(ConvOp c) : CompiledOp(c)
    {
        private readonly Conv2dWeights _w = new(
            new Conv2dGeometry(c.InputShape.Channels, c.InputShape.Height, c.InputShape.Width, c.OutputShape.Channels, c.Window, c.Groups),
            c.Weight.Data, null);

        public override void Apply(ReadOnlySpan<float> x, int n, Span<float> y) =>
            Conv2d.ForwardBatch(_w, x[..(n * InSize)], y[..(n * OutSize)], n);
    }

    private sealed class AvgPoolCompiled(AvgPoolOp p) : CompiledOp(p)
    {
        public override void Apply(ReadOnlySpan<float> x, int n, Span<float> y)
        {
            Shape s = Op.InputShape;
            for (int b = 0; b < n; b++)
            {
                Pool2d.Average(x.Slice(b * InSize, InSize), s.Channels, s.Height, s.Width, p.Window, p.CountIncludePad,
                    y.Slice(b * OutSize, OutSize));
            }
        }
    }

    private sealed class ReshapeCompiled(ReshapeOp r) : CompiledOp(r)
    {
        public override bool IsView => true;
        public override void Apply(ReadOnlySpan<float> x, int n, Span<float> y) => x[..(n * InSize)].CopyTo(y);
    }

    private sealed class ScaleCompiled(ScaleOp s) : CompiledOp(s)
    {
        private readonly float[] _gain = s.ElementGains();

        public override void Apply(ReadOnlySpan<float> x, int n, Span<float> y)
        {
            for (int b = 0; b < n; b++) TensorPrimitives.Multiply(x.Slice(b * InSize, InSize), _gain, y.Slice(b * OutSize, OutSize));
        }
    }

    private sealed class ConcatCompiled(ConcatSliceOp c) : CompiledOp(c)
    {
        private readonly int _offset = c.ChannelOffset * (c.OutputShape.Size / c.OutputShape.Channels);

        public override void Apply(ReadOnlySpan<float> x, int n, Span<float> y)
        {
            y[..(n * OutSize)].Clear();
            for (int b = 0; b < n; b++) x.Slice(b * InSize, InSize).CopyTo(y.Slice(b * OutSize + _offset, InSize));
        }
    }
}
