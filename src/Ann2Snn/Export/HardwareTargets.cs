namespace Ann2Snn.Export;

/// <summary>
/// The chips <c>--target</c> knows, with every figure's public source beside it. A figure that was not found in a public
/// source is <see cref="Limit.NotPublished"/> and is not checked: no number here is a guess.
/// </summary>
public static class HardwareTargets
{
    public static IReadOnlyList<string> Names { get; } = ["loihi2", "spinnaker2", "speck", "xylo", "generic"];

    // NIR's table of which primitives each framework imports (NIR docs, docs/source/supported_primitives.md, summarized in
    // NIR_FORMAT.md §9; the table itself says it "may not be entirely accurate").
    private const string NirTable = "NIR docs, supported_primitives.md (NIR_FORMAT.md §9)";

    public static HardwareTarget Loihi2 { get; } = new()
    {
        Name = "loihi2",
        Description = "Intel Loihi 2 (through Lava / Lava-dl)",
        // Lava's Dense process: "Default is for weights to use full 8 bit precision" (lava-nc/lava,
        // src/lava/proc/dense/process.py, num_weight_bits); weights are an 8-bit mantissa with a shared exponent.
        WeightBits = new Limit(8, "Lava Dense num_weight_bits, lava-nc/lava src/lava/proc/dense/process.py"),
        FanIn = Limit.NotPublished("Loihi 2 per-neuron fan-in"),
        FanOut = Limit.NotPublished("Loihi 2 per-neuron fan-out"),
        NeuronsPerCore = Limit.NotPublished("neurons per core depend on the neuron program; papers give up to ~8,000"),
        // "128 fully asynchronous neuron cores (NCs)", "A single Loihi 2 chip supports up to 1 million neurons and 120 million
        // synapses", "implementing custom neuron models using microcode instructions"
        // (open-neuromorphic.org/neuromorphic-computing/hardware/loihi-2-intel, after Intel's Loihi 2 brief, 2021).
        Cores = new Limit(128, "open-neuromorphic.org, Loihi 2: 128 neuron cores per chip"),
        Neurons = new Limit(1_000_000, "open-neuromorphic.org, Loihi 2: up to 1 million neurons per chip"),
        Synapses = new Limit(120_000_000, "open-neuromorphic.org, Loihi 2: up to 120 million synapses per chip"),
        NeuronModels = new HashSet<string>(["if", "lif"]),
        NeuronModelsSource = "open-neuromorphic.org, Loihi 2: neuron models are microcode programs; NIR table: Lava imports IF and LIF",
        DelaySteps = Limit.NotPublished("Loihi 2 synaptic delay range"),
        // Lava(-dl) imports Affine, Linear, Conv2d, Flatten, SumPool2d, IF, LIF, CubaLIF (no I, Delay, Threshold, AvgPool2d, Scale).
        NirNodes = new HashSet<string>(["Input", "Output", "Affine", "Linear", "Conv2d", "Flatten", "SumPool2d", "IF", "LIF", "CubaLIF"]),
        NirNodesSource = $"Lava(-dl) column of the {NirTable}",
    };

    public static HardwareTarget Spinnaker2 { get; } = new()
    {
        Name = "spinnaker2",
        Description = "SpiNNaker2 (ARM Cortex-M4F processing elements running neuron programs)",
        // Neurons and synapses are software on SpiNNaker2: its datasheet gives processors and memory, not neuron limits.
        WeightBits = Limit.NotPublished("weights are software-defined on SpiNNaker2's ARM cores"),
        FanIn = Limit.NotPublished("software-defined on SpiNNaker2"),
        FanOut = Limit.NotPublished("software-defined on SpiNNaker2"),
        NeuronsPerCore = Limit.NotPublished("software-defined; each core has 128 KB of local memory"),
        // "152 ARM Cortex M4F processors, each with 128 Kbytes of local code and data memory" (SpiNNaker2 datasheet v0.03,
        // 2021-08-19, SpiNNakerManchester/SpiNNMachine).
        Cores = new Limit(152, "SpiNNaker2 datasheet v0.03, 2021: 152 ARM Cortex-M4F processors per chip"),
        Neurons = Limit.NotPublished("software-defined on SpiNNaker2"),
        Synapses = Limit.NotPublished("software-defined on SpiNNaker2"),
        NeuronModels = new HashSet<string>(["if", "lif"]),
        NeuronModelsSource = "SpiNNaker2 datasheet v0.03: neurons are programs on the ARM cores; NIR table: imports IF and LIF",
        DelaySteps = Limit.NotPublished("SpiNNaker2 delay range"),
        NirNodes = new HashSet<string>(["Input", "Output", "Affine", "Linear", "Conv1d", "Conv2d", "Flatten", "SumPool2d", "IF", "LIF",
            "CubaLIF"]),
        NirNodesSource = $"SpiNNaker2 column of the {NirTable}",
    };

    public static HardwareTarget Speck { get; } = new()
    {
        Name = "speck",
        Description = "SynSense Speck / DYNAP-CNN (through Sinabs)",
        // "Weight resolution 8bit", "Max channel number: 1024", "Max convolutional kernel size 16x16", "Fanout:2",
        // "9 configurable computing cores (layers)", "up to 0.32M configurable spiking neurons" (sinabs docs/speck/overview.md).
        WeightBits = new Limit(8, "sinabs docs/speck/overview.md: weight resolution 8 bit"),
        FanIn = Limit.NotPublished("Speck per-neuron fan-in (bounded by kernel memory per core)"),
        FanOut = Limit.NotPublished("Speck per-neuron fan-out; each layer may send to at most 2 layers"),
        NeuronsPerCore = Limit.NotPublished("Speck neuron memory per core is given only in a figure of the sinabs docs"),
        Cores = new Limit(9, "sinabs docs/speck/overview.md: 9 DYNAP-CNN layers (cores), one layer each"),
        Neurons = new Limit(320_000, "sinabs docs/speck/overview.md: up to 0.32M configurable spiking neurons"),
        Synapses = Limit.NotPublished("Speck kernel memory per core is given only in a figure of the sinabs docs"),
        CorePerLayer = true,
        // sinabs FAQ: "we only support Conv2d, Avgpool, Sumpool, Linear, Flatten, as well as the IAF activation".
        NeuronModels = new HashSet<string>(["if"]),
        NeuronModelsSource = "sinabs FAQ (available network architecture): the IAF activation only",
        DelaySteps = Limit.NotPublished("Speck synaptic delays; the sinabs docs list none"),
        NirNodes = new HashSet<string>(["Input", "Output", "Affine", "Conv1d", "Conv2d", "Flatten", "SumPool2d", "IF", "LIF", "LI"]),
        NirNodesSource = $"Sinabs column of the {NirTable}",
        MaxKernel = new Limit(16, "sinabs docs/speck/overview.md: max convolutional kernel size 16x16"),
        MaxChannels = new Limit(1024, "sinabs docs/speck/overview.md: max channel number 1024"),
        // "Stride step:1,2,4,8", "Padding: [0,1,2,3,4,5,6,7]" (sinabs docs/speck/overview.md).
        Strides = new HashSet<int>([1, 2, 4, 8]),
        StridesSource = "sinabs docs/speck/overview.md: stride 1, 2, 4 or 8",
        MaxPadding = new Limit(7, "sinabs docs/speck/overview.md: padding 0..7"),
    };

    public static HardwareTarget Xylo { get; } = new()
    {
        Name = "xylo",
        Description = "SynSense Xylo Audio 2 (through Rockpool)",
        // Xylo Audio 2 (SYNS61201): "8-bit synaptic weights, 16-bit synaptic and membrane states, ... 16 input channels,
        // 1000 hidden neurons, 8 output neurons ..., a maximum fan-in of 63, and a total of 64,000 synaptic weights"
        // (open-neuromorphic.org/neuromorphic-computing/hardware/xylo-synsense); "Max. fanout 64" (rockpool.ai/devices/xylo-overview.html).
        WeightBits = new Limit(8, "open-neuromorphic.org, Xylo: 8-bit synaptic weights"),
        FanIn = new Limit(63, "open-neuromorphic.org, Xylo Audio 2: maximum fan-in of 63"),
        FanOut = new Limit(64, "rockpool.ai/devices/xylo-overview.html: Xylo Audio 2 max. fanout 64"),
        NeuronsPerCore = new Limit(1000, "rockpool.ai/devices/xylo-overview.html: Xylo Audio 2 has 1000 hidden neurons in one core"),
        Cores = new Limit(1, "rockpool.ai/devices/xylo-overview.html: one SNN core"),
        Neurons = new Limit(1008, "rockpool.ai/devices/xylo-overview.html: 1000 hidden + 8 output neurons"),
        Synapses = new Limit(64_000, "open-neuromorphic.org, Xylo Audio 2: 64,000 synaptic weights"),
        // "The Xylo SNN core is an efficient digital simulator of spiking leaky integrate-and-fire neurons with exponential
        // input synapses" (rockpool.ai/devices/xylo-overview.html).
        NeuronModels = new HashSet<string>(["lif"]),
        NeuronModelsSource = "rockpool.ai/devices/xylo-overview.html: leaky integrate-and-fire neurons with exponential synapses",
        DelaySteps = Limit.NotPublished("Xylo synaptic delays"),
        NirNodes = new HashSet<string>(["Input", "Output", "Affine", "Linear", "LIF", "CubaLIF", "LI"]),
        NirNodesSource = $"Rockpool column of the {NirTable}",
        // "Num. SNN input channels 16", "Num. output neurons 8" (Xylo Audio 2, rockpool.ai/devices/xylo-overview.html).
        InputChannels = new Limit(16, "rockpool.ai/devices/xylo-overview.html: Xylo Audio 2 has 16 SNN input channels"),
        OutputNeurons = new Limit(8, "rockpool.ai/devices/xylo-overview.html: Xylo Audio 2 has 8 output neurons"),
    };

    /// <summary>No chip: only what NIR itself can say (signed and burst spikes, spike gating).</summary>
    public static HardwareTarget Generic { get; } = new()
    {
        Name = "generic",
        Description = "any NIR reader (no chip limits; what NIR itself cannot express)",
        WeightBits = Limit.NotPublished("no chip"),
        FanIn = Limit.NotPublished("no chip"),
        FanOut = Limit.NotPublished("no chip"),
        NeuronsPerCore = Limit.NotPublished("no chip"),
        Cores = Limit.NotPublished("no chip"),
        Neurons = Limit.NotPublished("no chip"),
        Synapses = Limit.NotPublished("no chip"),
        NeuronModels = new HashSet<string>(["if", "lif"]),
        NeuronModelsSource = "NIR has IF and LIF nodes",
        DelaySteps = Limit.NotPublished("no chip"),
    };

    /// <summary>The target named <paramref name="name"/>; any other name is an <see cref="InvalidOptionException"/> naming
    /// <c>--target</c>.</summary>
    public static HardwareTarget Find(string name) => name switch
    {
        "loihi2" => Loihi2,
        "spinnaker2" => Spinnaker2,
        "speck" => Speck,
        "xylo" => Xylo,
        "generic" => Generic,
        _ => throw new InvalidOptionException($"option '--target': '{ThrowHelper.Printable(name, 40)}' is not one of "
            + string.Join(", ", Names)),
    };
}
