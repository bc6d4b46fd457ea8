namespace Ann2Snn.Export;

/// <summary>
/// The limits of a neuromorphic chip that a converted network must meet, each with its public source
/// (<see cref="HardwareTargets"/>). A limit whose value was not published is not checked, and the verdict says so.
/// </summary>
public sealed record HardwareTarget
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>Signed weight precision in bits.</summary>
    public required Limit WeightBits { get; init; }

    /// <summary>Synapses into one neuron.</summary>
    public required Limit FanIn { get; init; }

    /// <summary>Synapses out of one neuron.</summary>
    public required Limit FanOut { get; init; }

    public required Limit NeuronsPerCore { get; init; }

    public required Limit Cores { get; init; }

    /// <summary>Neurons on one chip.</summary>
    public required Limit Neurons { get; init; }

    /// <summary>Synapses (stored weights) on one chip.</summary>
    public required Limit Synapses { get; init; }

    /// <summary>Whether each population needs a core of its own (a layer-per-core architecture), whatever its size.</summary>
    public bool CorePerLayer { get; init; }

    /// <summary>The neuron models the chip runs ("if", "lif"), and where that is stated.</summary>
    public required IReadOnlySet<string> NeuronModels { get; init; }

    public required string NeuronModelsSource { get; init; }

    /// <summary>Largest synaptic delay in steps (the NIR max-pool circuit needs a one-step Delay).</summary>
    public required Limit DelaySteps { get; init; }

    /// <summary>
    /// The NIR node types the chip's toolchain imports (NIR's support table, NIR_FORMAT.md §9); null for any. A network that
    /// needs other nodes cannot reach the chip through NIR.
    /// </summary>
    public IReadOnlySet<string>? NirNodes { get; init; }

    public string NirNodesSource { get; init; } = "";

    /// <summary>Largest convolution kernel side, for chips that state one.</summary>
    public Limit? MaxKernel { get; init; }

    /// <summary>Largest number of channels of a feature map, for chips that state one.</summary>
    public Limit? MaxChannels { get; init; }

    /// <summary>Convolution strides the chip supports, for chips that state them (and where).</summary>
    public IReadOnlySet<int>? Strides { get; init; }

    public string StridesSource { get; init; } = "";

    /// <summary>Largest convolution padding, for chips that state one.</summary>
    public Limit? MaxPadding { get; init; }

    /// <summary>Input channels (values of one input sample) the chip takes, for chips that state it.</summary>
    public Limit? InputChannels { get; init; }

    /// <summary>Output neurons, for chips with a separate output layer.</summary>
    public Limit? OutputNeurons { get; init; }
}
