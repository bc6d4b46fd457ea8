using Ann2Snn.Neurons;
using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>How input values become input to the first synapses.</summary>
public enum InputEncoding
{
    /// <summary>The value is injected as a constant current every step (the first layer's current is computed once).</summary>
    Analog,

    /// <summary>Each value x ∈ [0, 1] is a Poisson spike train firing with probability x·MaxRate per step (seeded).</summary>
    Poisson,

    /// <summary>
    /// Time to first spike: each value a = x / input scale ∈ [0, 1] is one spike in the first window of
    /// SimulationOptions.TtfsWindow steps, the earlier the larger (a ≥ 1 at the window's first step, none for a ≤ 0).
    /// Only the ttfs backend runs it.
    /// </summary>
    Ttfs,
}

/// <summary>How a population's constant bias current is delivered (M10).</summary>
public enum BiasMode
{
    /// <summary>A constant background current b every step.</summary>
    Current,

    /// <summary>A bias neuron firing regularly at a chosen rate (SimulationOptions.BiasNeuronRate) with synaptic weight b / rate.</summary>
    Neuron,
}

/// <summary>How max pooling is realized.</summary>
public enum MaxPoolScheme
{
    /// <summary>
    /// Winner-take-all circuit: each input drives an excitatory unit u_i (+1 per spike); a shared inhibitory
    /// interneuron fires when any u_i reaches 1, its spike is the pooled output and it inhibits every u_j by 1.
    /// The output count therefore equals max_i of the input counts at every step.
    /// </summary>
    WinnerTakeAll,

    /// <summary>Spike gating: only spikes of the input with the largest count so far pass (ties to the first).</summary>
    Gate,
}

/// <summary>Incoming synapses of a population: a chain of linear ops from one source (−1 = the encoded input).</summary>
public sealed record Projection(int Source, IReadOnlyList<SynapticOp> Ops)
{
    /// <summary>At least one op, each taking the shape the previous one delivers.</summary>
    public IReadOnlyList<SynapticOp> Ops { get; init; } = CheckChain(Source, Ops);

    public Shape OutputShape => Ops[^1].OutputShape;

    private static IReadOnlyList<SynapticOp> CheckChain(int source, IReadOnlyList<SynapticOp> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        if (source < -1) throw new InvalidModelException($"projection from {source}: a source is a layer index or −1 (the input)");
        if (ops.Count == 0) throw new InvalidModelException($"projection from {source}: a chain needs at least one op");
        for (int i = 1; i < ops.Count; i++)
        {
            if (!ops[i].InputShape.Equals(ops[i - 1].OutputShape))
            {
                throw new InvalidModelException($"projection from {source}: op {i} ({ops[i].Kind}) takes {ops[i].InputShape}, op {i - 1} ({ops[i - 1].Kind}) delivers {ops[i - 1].OutputShape}");
            }
        }
        return ops;
    }
}

/// <summary>A layer of the spiking network; its index in <see cref="SpikingNetwork.Layers"/> identifies it.</summary>
public abstract class SpikingLayer
{
    private protected SpikingLayer(string name, Shape shape)
    {
        Name = name;
        Shape = shape;
    }

    public string Name { get; }
    public Shape Shape { get; }
    public abstract string Kind { get; }
}

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
            if (!p.OutputShape.Equals(shape)) throw new InvalidModelException($"layer '{name}': a projection delivers {p.OutputShape}, the population is {shape}");
        }
        if (bias.Length != shape.Size) throw new InvalidModelException($"layer '{name}': bias has {bias.Length} values, expected {shape.Size}");
        Neuron = neuron;
        Projections = projections;
        Bias = bias;
    }

    public NeuronParameters Neuron { get; }
    public IReadOnlyList<Projection> Projections { get; }
    public float[] Bias { get; }

    public override string Kind => "neurons";
}

/// <summary>Max pooling of a spiking source by a <see cref="MaxPoolScheme"/> circuit.</summary>
public sealed class MaxPoolLayer : SpikingLayer
{
    public MaxPoolLayer(string name, int source, Shape input, Window2d window, MaxPoolScheme scheme, Shape output) : base(name, output)
    {
        SynapticOp.RequirePooling($"max pool '{name}'", input, window, output);
        Source = source;
        InputShape = input;
        Window = window;
        Scheme = scheme;
    }

    public int Source { get; }
    public Shape InputShape { get; }
    public Window2d Window { get; }
    public MaxPoolScheme Scheme { get; }
    public override string Kind => "maxpool";
}

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
            if (!p.OutputShape.Equals(shape)) throw new InvalidModelException($"readout '{name}': a projection delivers {p.OutputShape}, expected {shape}");
        }
        if (bias.Length != shape.Size) throw new InvalidModelException($"readout '{name}': bias has {bias.Length} values, expected {shape.Size}");
        Projections = projections;
        Bias = bias;
    }

    public IReadOnlyList<Projection> Projections { get; }
    public float[] Bias { get; }
    public override string Kind => "readout";
}

/// <summary>
/// A converted spiking network: an encoded input, layers in topological order (every source before its targets)
/// and one output layer (the last).
/// </summary>
public sealed class SpikingNetwork
{
    public SpikingNetwork(string name, Shape inputShape, IReadOnlyList<SpikingLayer> layers, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (layers.Count == 0) throw new InvalidModelException($"spiking network '{name}': no layers");
        for (int i = 0; i < layers.Count; i++)
        {
            foreach (int s in SourcesOf(layers[i]))
            {
                if (s < -1 || s >= i) throw new InvalidModelException($"spiking network '{name}': layer '{layers[i].Name}' reads layer {s}, which does not come before it");
                Shape expected = s == -1 ? inputShape : layers[s].Shape;
                Shape got = layers[i] is MaxPoolLayer mp ? mp.InputShape : ((IEnumerable<Projection>)ProjectionsOf(layers[i])).First(p => p.Source == s).Ops[0].InputShape;
                if (!expected.Equals(got)) throw new InvalidModelException($"spiking network '{name}': layer '{layers[i].Name}' expects {got} from a source of shape {expected}");
            }
        }
        Name = name;
        InputShape = inputShape;
        Layers = layers;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    public string Name { get; }
    public Shape InputShape { get; }
    public IReadOnlyList<SpikingLayer> Layers { get; }
    public SpikingLayer Output => Layers[^1];
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static IReadOnlyList<Projection> ProjectionsOf(SpikingLayer layer) => layer switch
    {
        NeuronLayer n => n.Projections,
        ReadoutLayer r => r.Projections,
        _ => [],
    };

    public static IEnumerable<int> SourcesOf(SpikingLayer layer) =>
        layer is MaxPoolLayer m ? [m.Source] : ProjectionsOf(layer).Select(p => p.Source);

    /// <summary>Total synaptic fan-out of one spike of layer <paramref name="source"/> (−1 = input), over all its targets.</summary>
    public double FanOut(int source)
    {
        double total = 0;
        foreach (SpikingLayer l in Layers)
        {
            if (l is MaxPoolLayer m && m.Source == source) total += 1;
            foreach (Projection p in ProjectionsOf(l))
            {
                if (p.Source == source) total += p.Ops.Aggregate(1.0, (f, op) => f * op.FanOut);
            }
        }
        return total;
    }
}
