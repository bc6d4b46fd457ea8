using Ann2Snn.Neurons;
using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// A population of integrate-and-fire neurons. Its input current each step is the sum of its projections applied
/// to their sources' spikes, plus <see cref="Bias"/> (one value per neuron).
/// </summary>
public sealed class NeuronLayer : SpikingLayer
{
    public NeuronLayer(string name, Shape shape, NeuronParameters neuron, IReadOnlyList<Projection> projections, float[] bias)
        : base(name, shape)
    {
        if (projections.Count == 0) throw new InvalidModelException($"layer '{name}': a population needs at least one projection");
        foreach (Projection p in projections)
        {
            if (!p.OutputShape.Equals(shape)) throw new InvalidModelException($"layer '{name}': a projection delivers {p.OutputShape}, "
                + $"the population is {shape}");
        }
        if (bias.Length != shape.Size) throw new InvalidModelException($"layer '{name}': bias has {bias.Length} values, "
            + $"expected {shape.Size}");
        Neuron = neuron;
        Projections = projections;
        Bias = bias;
    }

    public NeuronParameters Neuron { get; }
    public IReadOnlyList<Projection> Projections { get; }
    public float[] Bias { get; }

    public override string Kind => "neurons";
}
