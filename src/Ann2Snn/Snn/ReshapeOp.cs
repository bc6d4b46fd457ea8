using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>Same data, new shape (flatten, reshape): no synapses of its own.</summary>
public sealed class ReshapeOp : SynapticOp
{
    public ReshapeOp(Shape input, Shape output) : base(input, output)
    {
        if (input.Size != output.Size) throw new InvalidModelException($"reshape synapses: {input} and {output} "
            + "hold different numbers of values");
    }

    public override string Kind => "reshape";
    public override double FanOut => 1;
}
