using System.Globalization;

namespace Ann2Snn.Snn;

/// <summary>
/// How a spiking network converted from a recurrent model takes a sequence (kept in its metadata): each sample holds
/// <see cref="Length"/> elements of the network's input shape, and element e is presented during steps
/// [e·W, (e + 1)·W) of the run (W = <see cref="Window"/>), so a run lasts L·W steps. The recurrent projections carry a delay
/// (one window by default), so that the hidden state of element e − 1 arrives while element e is presented. Layers from
/// index <see cref="LastWindowFrom"/> on read the last element's state only (a model whose output is the last hidden state):
/// they are charged, fire and accumulate during the last window alone, so the readout integrates exactly W steps of it.
/// </summary>
/// <param name="Length">L: elements per sample.</param>
/// <param name="Window">W: steps each element is presented.</param>
/// <param name="LastWindowFrom">The first layer that runs in the last window only (the number of layers: none).</param>
public sealed record SequencePresentation(int Length, int Window, int LastWindowFrom)
{
    public const string LengthKey = "sequence_length";
    public const string WindowKey = "sequence_window";
    public const string LastWindowKey = "sequence_last_window_from";
    public const string WindowStartKey = "sequence_window_start";

    /// <summary>What the membranes keep when a new element's window starts (default: the quantization residue).</summary>
    public WindowStart Start { get; init; }

    /// <summary>Steps of a whole run: L·W.</summary>
    public long TotalSteps => (long)Length * Window;

    /// <summary>Steps layer <paramref name="layer"/> runs: W for a layer of the last element's state, else L·W.</summary>
    public int StepsOf(int layer) => layer >= LastWindowFrom ? Window : (int)TotalSteps;

    /// <summary>The first step of the last element's window: (L − 1)·W.</summary>
    public int LastWindowStart => (Length - 1) * Window;

    /// <summary>Whether <paramref name="network"/> takes sequences.</summary>
    public static bool IsSequence(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Metadata.ContainsKey(LengthKey);
    }

    /// <summary>
    /// The presentation stored with <paramref name="network"/>, or null for a network that takes one sample at a time; a stored
    /// value out of range throws <see cref="InvalidModelException"/> naming the key.
    /// </summary>
    public static SequencePresentation? Read(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!IsSequence(network)) return null;
        int length = Integer(network, LengthKey, 1, int.MaxValue);
        int window = Integer(network, WindowKey, 1, int.MaxValue);
        int from = network.Metadata.ContainsKey(LastWindowKey)
            ? Integer(network, LastWindowKey, 0, network.Layers.Count)
            : network.Layers.Count;
        if ((long)length * window > int.MaxValue)
        {
            throw new InvalidModelException($"spiking network '{network.Name}': {length} elements × {window} steps is too long a run");
        }
        WindowStart start = WindowStart.Residue;
        if (network.Metadata.TryGetValue(WindowStartKey, out string? text) && !Enum.TryParse(text, ignoreCase: true, out start))
        {
            throw new InvalidModelException($"spiking network '{network.Name}': metadata {WindowStartKey} = '{text}' is not one of "
                + "residue, rest, carry");
        }
        return new SequencePresentation(length, window, from) { Start = start };
    }

    /// <summary><paramref name="network"/> with this presentation stored in its metadata.</summary>
    public SpikingNetwork WriteTo(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.WithMetadata((LengthKey, Text(Length)), (WindowKey, Text(Window)),
            (LastWindowKey, LastWindowFrom < network.Layers.Count ? Text(LastWindowFrom) : null),
            (WindowStartKey, Start == WindowStart.Residue ? null : Start.ToString().ToLowerInvariant()));
    }

    /// <summary>
    /// <paramref name="network"/> presenting each element for <paramref name="window"/> steps instead: every delay of one
    /// window (the recurrent synapses that carry an element's state into the next window) becomes the new window, other delays
    /// stay. How one converted network is evaluated at several windows.
    /// </summary>
    public static SpikingNetwork WithWindow(SpikingNetwork network, int window)
    {
        ArgumentNullException.ThrowIfNull(network);
        SequencePresentation sequence = Read(network)
            ?? throw new InvalidModelException($"spiking network '{network.Name}' does not take sequences");
        if (window < 1) throw new InvalidModelException($"spiking network '{network.Name}': a window of {window} steps");
        if (window == sequence.Window) return network;
        Projection Rescale(Projection p) => p.Delay == sequence.Window ? p with { Delay = window } : p;
        SpikingLayer[] layers = [.. network.Layers.Select(l => l switch
        {
            NeuronLayer n => new NeuronLayer(n.Name, n.Shape, n.Neuron, [.. n.Projections.Select(Rescale)], n.Bias, n.NegativeGain),
            ReadoutLayer r => new ReadoutLayer(r.Name, r.Shape, [.. r.Projections.Select(Rescale)], r.Bias),
            _ => l,
        })];
        var rebuilt = new SpikingNetwork(network.Name, network.InputShape, layers, network.Metadata);
        return (sequence with { Window = window }).WriteTo(rebuilt);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Integer(SpikingNetwork network, string key, int min, int max)
    {
        string? text = network.Metadata.GetValueOrDefault(key);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new InvalidModelException($"spiking network '{network.Name}': metadata {key} = '{text}' is not an integer in "
                + $"{min}..{max}");
        }
        return value;
    }
}
