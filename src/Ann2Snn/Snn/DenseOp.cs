using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>All-to-all synapses, weight [Out, In].</summary>
public sealed class DenseOp : SynapticOp
{
    public DenseOp(Shape input, FloatTensor weight) : base(input, new Shape(RowsOf(weight)))
    {
        if (input.Size != weight.Shape[1]) throw new InvalidModelException($"dense synapses: weight [{weight.Shape[0]}×{weight.Shape[1]}] "
            + $"does not take input {input}");
        Weight = weight;
    }

    public FloatTensor Weight { get; }
    public override string Kind => "dense";
    public override double FanOut => Weight.Shape[0];

    private static int RowsOf(FloatTensor weight) =>
        weight.Rank == 2
            ? weight.Shape[0]
            : throw new InvalidModelException($"dense synapses: weight {weight} has rank {weight.Rank}, expected 2 [Out, In]");
}
