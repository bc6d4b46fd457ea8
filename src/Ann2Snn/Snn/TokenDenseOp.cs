using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// All-to-all synapses on the last axis, shared by every position (token): y[p, o] = Σᵢ W[o, i]·x[p, i] with weight
/// [Out, In], input [..., In] and output [..., Out]. The exact equivalent of a block-diagonal <see cref="DenseOp"/> of
/// <see cref="Positions"/> copies of W, at 1/P of its weights and of its work; a spike reaches the Out targets of its own
/// position.
/// </summary>
public sealed class TokenDenseOp : SynapticOp
{
    public TokenDenseOp(Shape input, FloatTensor weight) : base(input, OutputOf(input, weight))
    {
        Weight = weight;
        Positions = input.Size / weight.Shape[1];
    }

    public FloatTensor Weight { get; }
    public int OutFeatures => Weight.Shape[0];
    public int InFeatures => Weight.Shape[1];

    /// <summary>P: the positions sharing the weights (the product of the input's leading axes).</summary>
    public int Positions { get; }

    public override string Kind => "token_dense";
    public override double FanOut => OutFeatures;

    /// <summary>The same map as one block-diagonal <see cref="DenseOp"/> [P·Out, P·In] (for consumers that host only that).</summary>
    public DenseOp Expanded()
    {
        int outs = OutFeatures, ins = InFeatures;
        var data = new float[(long)Positions * outs * Positions * ins];
        for (int p = 0; p < Positions; p++)
        {
            for (int o = 0; o < outs; o++)
            {
                Weight.Data.AsSpan(o * ins, ins).CopyTo(data.AsSpan((int)(((long)(p * outs + o) * Positions + p) * ins), ins));
            }
        }
        return new DenseOp(InputShape, new FloatTensor([Positions * outs, Positions * ins], data));
    }

    private static Shape OutputOf(Shape input, FloatTensor weight)
    {
        if (weight.Rank != 2) throw new InvalidModelException($"token dense synapses: weight {weight} has rank {weight.Rank}, "
            + "expected 2 [Out, In]");
        if (input.Rank < 1 || input[^1] != weight.Shape[1])
        {
            throw new InvalidModelException($"token dense synapses: weight [{weight.Shape[0]}×{weight.Shape[1]}] does not take the "
                + $"last axis of input {input}");
        }
        return new Shape([.. input.ToArray()[..^1], weight.Shape[0]]);
    }
}
