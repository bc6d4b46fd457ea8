using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// A converted spiking network: an encoded input, layers in topological order (every source before its targets, except
/// on a recurrent edge: a projection with a delay of at least one step, which may read its own layer or a later one) and
/// one output layer (the last).
/// </summary>
public sealed class SpikingNetwork
{
    public SpikingNetwork(string name, Shape inputShape, IReadOnlyList<SpikingLayer> layers,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (layers.Count == 0) throw new InvalidModelException($"spiking network '{name}': no layers");
        for (int i = 0; i < layers.Count; i++)
        {
            foreach (int s in SourcesOf(layers[i]))
            {
                if (s < -1 || s >= layers.Count) throw new InvalidModelException($"spiking network '{name}': layer "
                    + $"'{layers[i].Name}' reads layer {s}, which does not exist");
                if (s >= i && (layers[i] is MaxPoolLayer || ProjectionsOf(layers[i]).Any(p => p.Source == s && p.Delay == 0)))
                {
                    throw new InvalidModelException($"spiking network '{name}': layer '{layers[i].Name}' reads layer {s} "
                        + $"('{layers[s].Name}'), which does not come before it, with no delay: a cycle needs a delay of at "
                        + "least one step");
                }
                Shape expected = s == -1 ? inputShape : layers[s].Shape;
                Shape got = layers[i] is MaxPoolLayer mp
                    ? mp.InputShape
                    : ((IEnumerable<Projection>)ProjectionsOf(layers[i])).First(p => p.Source == s).Ops[0].InputShape;
                if (!expected.Equals(got)) throw new InvalidModelException($"spiking network '{name}': layer '{layers[i].Name}' "
                    + $"expects {got} from a source of shape {expected}");
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

    /// <summary>
    /// This network with <paramref name="entries"/> set in its metadata (an entry whose value is null removed), the rest
    /// unchanged: how the metadata readers and writers (input encoding, preprocessing, synapses, input function) store theirs.
    /// </summary>
    public SpikingNetwork WithMetadata(params (string Key, string? Value)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var metadata = Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (key, value) in entries)
        {
            if (value is null) metadata.Remove(key);
            else metadata[key] = value;
        }
        return new SpikingNetwork(Name, InputShape, Layers, metadata);
    }

    /// <summary>Whether some projection delays its spikes (a recurrent network, or delayed feed-forward synapses).</summary>
    public bool HasDelays => Layers.Any(l => ProjectionsOf(l).Any(p => p.Delay > 0));

    public static IReadOnlyList<Projection> ProjectionsOf(SpikingLayer layer) => layer switch
    {
        NeuronLayer n => n.Projections,
        ReadoutLayer r => r.Projections,
        OperatorLayer o => o.Projections,
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
