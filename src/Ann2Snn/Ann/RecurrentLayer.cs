using System.Numerics.Tensors;
using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>
/// A <see cref="RecurrentNode"/>: per sample and direction, X·Wᵀ + Wb for all L elements in one GEMM, then the
/// elements in the direction's order, each adding Hₜ₋₁·Rᵀ + Rb (one dot product per gate row) and applying the cell.
/// </summary>
internal sealed class RecurrentLayer : Layer
{
    private readonly RecurrentNode _node;
    private readonly GemmPackedB[] _input;       // per direction: Wᵀ [F × G·H]
    private readonly float[][] _inputBias;       // per direction: Wb [G·H]
    private readonly float[][] _recurrentBias;   // per direction: Rb [G·H]
    private readonly int _l, _f, _h, _gh, _d;

    public RecurrentLayer(RecurrentNode node, int[] inputs) : base(node, inputs)
    {
        _node = node;
        (_l, _f, _h, _d) = (node.Length, node.InputSize, node.HiddenSize, node.Directions);
        _gh = node.Gates * _h;
        _input = new GemmPackedB[_d];
        _inputBias = new float[_d][];
        _recurrentBias = new float[_d][];
        for (int d = 0; d < _d; d++)
        {
            _input[d] = GemmPackedB.Pack(_f, _gh, node.Weight.Data.AsSpan(d * _gh * _f, _gh * _f), _f, transposeB: true);
            _inputBias[d] = node.Bias?.AsSpan(d * 2 * _gh, _gh).ToArray() ?? new float[_gh];
            _recurrentBias[d] = node.Bias?.AsSpan((d * 2 * _gh) + _gh, _gh).ToArray() ?? new float[_gh];
        }
    }

    public override string? NoGradient => $"{_node.Op} has no gradient here (backpropagation through time is not implemented)";

    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters) => throw new InvalidOperationException(NoGradient);

    public override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        ReadOnlySpan<float> x = X(data);
        var xw = new float[_l * _gh];
        var rh = new float[_gh];
        var h = new float[_h];
        var c = new float[_h];
        var scratch = new float[_h];
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> sample = x.Slice(s * InSize, InSize);
            Span<float> output = y.Slice(s * OutSize, OutSize);
            for (int d = 0; d < _d; d++)
            {
                Gemm.Multiply(_l, sample, _f, false, _input[d], xw, _gh, _inputBias[d], GemmBias.PerColumn);
                Start(_node.InitialH, d, h);
                Start(_node.InitialC, d, c);
                bool reverse = _node.Direction == RecurrentDirection.Reverse || d == 1;
                for (int k = 0; k < _l; k++)
                {
                    int t = reverse ? _l - 1 - k : k;
                    Span<float> gates = xw.AsSpan(t * _gh, _gh);
                    Recur(d, h, rh);
                    switch (_node.Cell)
                    {
                        case RecurrentCell.Rnn:
                            TensorPrimitives.Add(gates, rh, h);
                            Activate(_node.Activations[d], h);
                            break;
                        case RecurrentCell.Lstm:
                            Lstm(d, gates, rh, h, c, scratch);
                            break;
                        default:
                            Gru(d, gates, rh, h, scratch);
                            break;
                    }
                    h.CopyTo(output.Slice(((t * _d) + d) * _h, _h));
                }
            }
        }
    }

    /// <summary>The state before the first element: the node's initial value for direction <paramref name="d"/>, or zero.</summary>
    private void Start(float[]? initial, int d, Span<float> state)
    {
        if (initial is null) state.Clear();
        else initial.AsSpan(d * _h, _h).CopyTo(state);
    }

    /// <summary>rh = R_d·h + Rb_d, one dot product per gate row.</summary>
    private void Recur(int d, ReadOnlySpan<float> h, Span<float> rh)
    {
        ReadOnlySpan<float> r = _node.Recurrence.Data.AsSpan(d * _gh * _h, _gh * _h);
        float[] bias = _recurrentBias[d];
        for (int j = 0; j < _gh; j++) rh[j] = TensorPrimitives.Dot(r.Slice(j * _h, _h), h) + bias[j];
    }

    /// <summary>One LSTM step (gates i, o, f, c in <paramref name="gates"/> and <paramref name="rh"/>); updates h and c.</summary>
    private void Lstm(int d, Span<float> gates, ReadOnlySpan<float> rh, Span<float> h, Span<float> c, Span<float> scratch)
    {
        int n = _h;
        TensorPrimitives.Add(gates, rh, gates);
        Span<float> i = gates[..n], o = gates.Slice(n, n), f = gates.Slice(2 * n, n), g = gates.Slice(3 * n, n);
        ReadOnlySpan<float> p = _node.Peepholes is { } peep ? peep.AsSpan(d * 3 * n, 3 * n) : default;
        RecurrentActivation fa = _node.Activations[3 * d], ga = _node.Activations[(3 * d) + 1], ha = _node.Activations[(3 * d) + 2];
        if (!p.IsEmpty)
        {
            TensorPrimitives.MultiplyAdd(p[..n], c, i, i);
            TensorPrimitives.MultiplyAdd(p.Slice(2 * n, n), c, f, f);
        }
        Activate(fa, i);
        Activate(fa, f);
        Activate(ga, g);
        TensorPrimitives.Multiply(f, c, c);
        TensorPrimitives.MultiplyAdd(i, g, c, c);
        if (!p.IsEmpty) TensorPrimitives.MultiplyAdd(p.Slice(n, n), c, o, o);
        Activate(fa, o);
        c.CopyTo(scratch);
        Activate(ha, scratch);
        TensorPrimitives.Multiply(o, scratch, h);
    }

    /// <summary>One GRU step (gates z, r, h); updates h.</summary>
    private void Gru(int d, Span<float> gates, Span<float> rh, Span<float> h, Span<float> scratch)
    {
        int n = _h;
        RecurrentActivation fa = _node.Activations[2 * d], ga = _node.Activations[(2 * d) + 1];
        Span<float> zr = gates[..(2 * n)], z = gates[..n], r = gates.Slice(n, n), candidate = gates.Slice(2 * n, n);
        TensorPrimitives.Add(zr, rh[..(2 * n)], zr);
        Activate(fa, zr);
        Span<float> rhH = rh.Slice(2 * n, n);
        if (_node.LinearBeforeReset)
        {
            TensorPrimitives.MultiplyAdd(r, rhH, candidate, candidate);
        }
        else
        {
            // (r ⊙ Hₜ₋₁)·R_hᵀ + Rb_h replaces the Hₜ₋₁·R_hᵀ + Rb_h computed with the other gates.
            TensorPrimitives.Multiply(r, h, scratch);
            ReadOnlySpan<float> rH = _node.Recurrence.Data.AsSpan((d * _gh * n) + (2 * n * n), n * n);
            float[] bias = _recurrentBias[d];
            for (int j = 0; j < n; j++) candidate[j] += TensorPrimitives.Dot(rH.Slice(j * n, n), scratch) + bias[(2 * n) + j];
        }
        Activate(ga, candidate);
        // Hₜ = (1 − z)⊙h̃ + z⊙Hₜ₋₁ = h̃ + z⊙(Hₜ₋₁ − h̃).
        TensorPrimitives.Subtract(h, candidate, scratch);
        TensorPrimitives.MultiplyAdd(z, scratch, candidate, h);
    }

    private static void Activate(RecurrentActivation activation, Span<float> x)
    {
        switch (activation)
        {
            case RecurrentActivation.Relu:
                TensorPrimitives.Max(x, 0f, x);
                break;
            case RecurrentActivation.Tanh:
                TensorPrimitives.Tanh(x, x);
                break;
            default:
                TensorPrimitives.Sigmoid(x, x);
                break;
        }
    }
}
