using Ann2Snn.Neurons;
using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// A population of integrate-and-fire neurons. Its input current each step is the sum of its projections applied
/// to their sources' spikes, plus <see cref="Bias"/> (one value per neuron).
/// </summary>
public sealed class NeuronLayer : SpikingLayer
{
    public NeuronLayer(string name, Shape shape, NeuronParameters neuron, IReadOnlyList<Projection> projections, float[] bias,
        float[]? negativeGain = null)
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
        if (NegativeGainProblem(negativeGain, neuron, shape) is { } problem)
        {
            throw new InvalidModelException($"layer '{name}': {problem}");
        }
        Neuron = neuron;
        Projections = projections;
        Bias = bias;
        NegativeGain = negativeGain;
    }

    public NeuronParameters Neuron { get; }
    public IReadOnlyList<Projection> Projections { get; }
    public float[] Bias { get; }

    /// <summary>
    /// The negative branch's gain α of signed neurons (LeakyRelu's α, PRelu's slopes): 1 value, one per channel or one per
    /// neuron; null for none (the plain signed neuron, whose net count never drops below 0, i.e. α = 0 with memory).
    /// With α, a neuron keeps its input charge Q = Σ g·I(t) as well as its net count c, and encodes
    /// y = f(Q) = Q for Q ≥ 0, α·Q for Q &lt; 0 (LeakyRelu of the charge). Each step, with u = V(0) + f(Q) − c·V_th:
    /// a +1 spike when u ≥ V_th (c ← c + 1), else a −1 spike when u &lt; 0 (c ← c − 1); then V = u ∓ V_th is what is left.
    /// While f(Q) moves by at most V_th a step, u stays in [0, V_th), so c = ⌊(V(0) + f(Q))/V_th⌋ exactly: with
    /// V(0) = V_th/2 the net count is f(Q)/V_th rounded, and over T steps of mean input Ī the spikes sum to
    /// round(LeakyRelu_α(g·Ī·T)/V_th) — the rate converges to LeakyRelu_α(mean input)/V_th. Spikes stay ±1 (every
    /// backend's signed circuits carry them as they are); a negative count is simply a negative value downstream.
    /// Requires <see cref="NeuronParameters.SignedSpikes"/>.
    /// </summary>
    public float[]? NegativeGain { get; }

    public override string Kind => "neurons";

    /// <summary>What is wrong with a negative-branch gain for a population (null when nothing, or when there is none).</summary>
    public static string? NegativeGainProblem(float[]? gain, NeuronParameters neuron, Shape shape)
    {
        if (gain is null) return null;
        if (!neuron.SignedSpikes) return "a negative-branch gain needs signed spikes";
        if (!ChannelBroadcast.Fits(gain.Length, shape.Channels, shape.Size))
        {
            return $"negative-branch gain has {gain.Length} values; expected 1, {shape.Channels} (channels) or {shape.Size}";
        }
        return gain.All(float.IsFinite) ? null : "negative-branch gain holds a non-finite value";
    }
}
