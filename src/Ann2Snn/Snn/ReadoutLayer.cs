using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// Non-spiking output neurons that accumulate their input current; the prediction at step t is the argmax of the
/// accumulated potential (equivalently of the mean current, i.e. of the ANN logits as T grows).
/// </summary>
public sealed class ReadoutLayer : SpikingLayer
{
    public ReadoutLayer(string name, Shape shape, IReadOnlyList<Projection> projections, float[] bias) : base(name, shape)
    {
        foreach (Projection p in projections)
        {
            if (!p.OutputShape.Equals(shape)) throw new InvalidModelException($"readout '{name}': a projection delivers {p.OutputShape}, "
                + $"expected {shape}");
        }
        if (bias.Length != shape.Size) throw new InvalidModelException($"readout '{name}': bias has {bias.Length} values, "
            + $"expected {shape.Size}");
        Projections = projections;
        Bias = bias;
    }

    public IReadOnlyList<Projection> Projections { get; }
    public float[] Bias { get; }
    public override string Kind => "readout";
}
