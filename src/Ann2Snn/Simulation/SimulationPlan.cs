using System.Globalization;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>Everything about the network that does not change during a run; shared by every worker of a backend.</summary>
internal sealed class SimulationPlan
{
    /// <summary>
    /// Compiles the projections and checks the options against the network; with <paramref name="channelsLast"/>, [C, H, W]
    /// populations are kept channels-last (the output layer always stays canonical).
    /// </summary>
    public SimulationPlan(SpikingNetwork network, SimulationOptions options, bool channelsLast = false)
    {
        Network = network;
        Options = options;
        Layers = network.Layers.ToArray();
        int rings = 0;
        Projections = Layers.Select(l => SpikingNetwork.ProjectionsOf(l)
            .Select(p => new CompiledProjection(p) { Ring = p.Delay > 0 ? rings++ : -1 }).ToArray()).ToArray();
        Delayed = [.. Projections.SelectMany(ps => ps).Where(p => p.Ring >= 0)];
        Sequence = SequencePresentation.Read(network);
        if (Sequence is { } sequence && options.Timesteps != sequence.TotalSteps)
        {
            ThrowHelper.InvalidOption("timesteps", $"network '{network.Name}' presents {sequence.Length} sequence elements for "
                + $"{sequence.Window} steps each: a run is {sequence.TotalSteps} steps, not {options.Timesteps}");
        }
        Operators = Layers.Select((l, i) => l is OperatorLayer o
            ? new OperatorCircuit(o, Projections[i], options.Operators)
            : null).ToArray();
        CheckOperators(network, options);
        foreach (NeuronLayer n in Layers.OfType<NeuronLayer>()) n.Neuron.Validate();
        InputScale = InputScaleOf(network);
        InputFunction = InputFunction.Read(network);
        ScratchSize = Projections.SelectMany(p => p).Select(p => p.MaxSize).DefaultIfEmpty(1).Max();
        ReadoutIndex = Layers.Length - 1;
        Probes = ResolveProbes(Layers, options.Probes);
        IsSigned = new bool[Layers.Length];
        Burst = new int[Layers.Length];
        for (int i = 0; i < Layers.Length; i++)
        {
            (IsSigned[i], Burst[i]) = Layers[i] switch
            {
                NeuronLayer n => (n.Neuron.SignedSpikes, n.Neuron.BurstLimit),
                MaxPoolLayer mp => (IsSigned[mp.Source], Burst[mp.Source]),
                _ => (false, 1),
            };
        }
        IsStatic = Projections.Select(ps => ps.All(IsConstant)).ToArray();
        // Operator layers, and the layers they read, stay canonical: operators compute on row-major tensors.
        var operatorSide = new HashSet<int>(Layers.OfType<OperatorLayer>().SelectMany(SpikingNetwork.SourcesOf));
        Layouts = Layers.Select((l, i) => channelsLast && i != ReadoutIndex && l is not OperatorLayer && !operatorSide.Contains(i)
            ? LayerLayout.ChannelsLastWhereUseful(l.Shape)
            : LayerLayout.Canonical(l.Shape)).ToArray();
        MaxPoolWindows = Layers.Select((l, i) => l is MaxPoolLayer mp
            ? new MaxPoolWindows(mp, Layouts[mp.Source], Layouts[i])
            : null).ToArray();
        Biases = Layers.Select((l, i) => l switch
        {
            NeuronLayer n => Layouts[i].FromCanonical(n.Bias),
            ReadoutLayer r => Layouts[i].FromCanonical(r.Bias),
            _ => [],
        }).ToArray();
        NegativeGains = Layers.Select((l, i) => l is NeuronLayer { NegativeGain: { } a }
            ? Layouts[i].FromCanonical(PerNeuron(a, l.Shape))
            : []).ToArray();
    }

    public SpikingNetwork Network { get; }
    public SimulationOptions Options { get; }
    public SpikingLayer[] Layers { get; }
    public CompiledProjection[][] Projections { get; }

    /// <summary>The delayed projections, by <see cref="CompiledProjection.Ring"/>: each has a ring of its source's last spikes.</summary>
    public CompiledProjection[] Delayed { get; }

    /// <summary>How the network takes a sequence (null: one sample at a time).</summary>
    public SequencePresentation? Sequence { get; }

    /// <summary>Values of one sample in the data: the input shape's, times the sequence's elements.</summary>
    public int SampleSize => Network.InputShape.Size * (Sequence?.Length ?? 1);

    /// <summary>Steps layer <paramref name="l"/> runs: the last window's for a layer of the last element's state, else all.</summary>
    public int StepsRun(int l) => Sequence?.StepsOf(l) ?? Options.Timesteps;

    /// <summary>
    /// Whether layer <paramref name="l"/> is stepped at step <paramref name="t"/>: always, except a layer that reads the last
    /// sequence element's state only, before that element's window.
    /// </summary>
    public bool Runs(int l, int t) => Sequence is not { } s || l < s.LastWindowFrom || t >= s.LastWindowStart;

    /// <summary>Per layer: the compiled operator of an <see cref="OperatorLayer"/> (null for other layers).</summary>
    public OperatorCircuit?[] Operators { get; }
    public float InputScale { get; }

    /// <summary>The element-wise function the encoder applies to the data first (<see cref="Snn.InputFunction"/>); null for none.</summary>
    public InputFunction? InputFunction { get; }
    public int ScratchSize { get; }
    public int ReadoutIndex { get; }
    public (NeuronProbe Probe, int Layer)[] Probes { get; }

    /// <summary>Per layer: every projection is constant (analog input only), so the current never changes during a run.</summary>
    public bool[] IsStatic { get; }

    /// <summary>Per layer: its spikes may be −1 as well as +1 (signed neurons, and max-pool circuits over signed sources).</summary>
    public bool[] IsSigned { get; }

    /// <summary>
    /// Per layer: the most spikes one of its neurons emits in a step (the burst limit of a population; a max-pool circuit
    /// passes its source's bursts on). A spike vector then holds k ∈ 0..B per neuron, and k spikes are counted.
    /// </summary>
    public int[] Burst { get; }

    /// <summary>How each layer's state is laid out in the workers' arrays.</summary>
    public LayerLayout[] Layouts { get; }

    /// <summary>Per layer: the decoded windows of a max-pool layer in the run's layouts (null for other layers).</summary>
    public MaxPoolWindows?[] MaxPoolWindows { get; }

    /// <summary>Each population's bias in its layout ([] for max-pool layers).</summary>
    public float[][] Biases { get; }

    /// <summary>
    /// Each population's negative-branch gain α per neuron in its layout (<see cref="NeuronLayer.NegativeGain"/>; [] for
    /// none and for other layers).
    /// </summary>
    public float[][] NegativeGains { get; }

    /// <summary>What one Poisson input spike carries: input scale / max rate, so the mean matches the analog value.</summary>
    public float InputSpikeValue => InputScale / Options.PoissonMaxRate;

    /// <summary>The network's input scale (metadata <c>input_scale</c>; 1 when absent or not positive).</summary>
    public static float InputScaleOf(SpikingNetwork network) =>
        network.Metadata.TryGetValue("input_scale", out string? s) && float.TryParse(s, CultureInfo.InvariantCulture, out float v) && v > 0
            ? v
            : 1f;

    /// <summary>
    /// Each probe with the index of its layer; throws <see cref="InvalidOptionException"/> for an unknown layer or a neuron out of range.
    /// </summary>
    public static (NeuronProbe Probe, int Layer)[] ResolveProbes(SpikingLayer[] layers, IReadOnlyList<NeuronProbe> probes) =>
        probes.Select(p =>
        {
            int layer = Array.FindIndex(layers, l => l.Name == p.Layer);
            if (layer < 0) ThrowHelper.InvalidOption("probe", $"no layer named '{p.Layer}'");
            if ((uint)p.Neuron >= (uint)layers[layer].Shape.Size) ThrowHelper.InvalidOption("probe",
                $"layer '{p.Layer}' has {layers[layer].Shape.Size} neurons; {p.Neuron} is out of range");
            return (p, layer);
        }).ToArray();

    private static float[] PerNeuron(float[] values, Tensors.Shape shape)
    {
        int size = shape.Size, plane = size / shape.Channels;
        var all = new float[size];
        for (int i = 0; i < size; i++) all[i] = Tensors.ChannelBroadcast.At(values, i, plane, size);
        return all;
    }

    /// <summary>
    /// Throws <see cref="UnsupportedOperatorException"/> when <paramref name="network"/> has operator layers, which
    /// <paramref name="backend"/> cannot run, for the reason <paramref name="why"/>.
    /// </summary>
    public static void RefuseOperators(SpikingNetwork network, string backend, string why)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Layers.OfType<OperatorLayer>().FirstOrDefault() is { } o)
        {
            ThrowHelper.Unsupported($"spiking network '{network.Name}': operator layer '{o.Name}' ({OperatorLayer.NameOf(o.Operator)}): "
                + $"the {backend} backend {why}; use the dense or event backend");
        }
    }

    /// <summary>Operators read spike-carried tensors (not the analog input) and are not the output layer.</summary>
    private static void CheckOperators(SpikingNetwork network, SimulationOptions options)
    {
        if (network.Output is OperatorLayer last) ThrowHelper.Unsupported($"spiking network '{network.Name}': the output layer "
            + $"'{last.Name}' is an operator; the output must be neurons or a readout");
        foreach (OperatorLayer o in network.Layers.OfType<OperatorLayer>())
        {
            if (options.Input == InputEncoding.Analog && o.Projections.Any(p => p.Source == -1))
            {
                ThrowHelper.Unsupported($"spiking network '{network.Name}': operator layer '{o.Name}' reads the analog input "
                    + "directly; operators accumulate spike-carried tensors (put a population in between, or use Poisson input)");
            }
        }
    }

    /// <summary>A projection whose current never changes during a run: analog input feeding it directly.</summary>
    public bool IsConstant(CompiledProjection p) => p.Source == -1 && Options.Input == InputEncoding.Analog;
}
