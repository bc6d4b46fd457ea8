namespace Ann2Snn.Simulation;

/// <summary>What one run measured: accuracy at every step, spikes and synaptic events per layer, traces.</summary>
public sealed class SimulationResult
{
    internal SimulationResult(int timesteps, string[] layerNames, int[] layerSizes, double[] fanOut, double inputFanOut)
    {
        Timesteps = timesteps;
        LayerNames = layerNames;
        CorrectAt = new long[timesteps];
        LayerSpikes = new long[layerNames.Length];
        OperatorMacs = new long[layerNames.Length];
        OperatorOutputs = new long[layerNames.Length];
        NeuronSpikes = layerSizes.Select(s => new long[s]).ToArray();
        FanOut = fanOut;
        InputFanOut = inputFanOut;
    }

    public int Images { get; internal set; }
    public int Timesteps { get; }
    public IReadOnlyList<string> LayerNames { get; }

    /// <summary>Images classified correctly after t + 1 steps (index t).</summary>
    public long[] CorrectAt { get; }

    /// <summary>Spikes per layer over all images and steps.</summary>
    public long[] LayerSpikes { get; }

    /// <summary>
    /// Per layer, over all images and steps: the operations of a spike-equivalent operator (<see cref="Snn.OperatorLayer"/>),
    /// which computes on accumulated values and is not event-driven (multiply-accumulates, element-wise operations
    /// counted one each); 0 for other layers.
    /// </summary>
    public long[] OperatorMacs { get; }

    /// <summary>
    /// Per layer, over all images and steps: the non-zero real values an operator layer emitted; each reaches its fan-out of
    /// synapses as a multiply-accumulate (a real value, not a spike); 0 for other layers.
    /// </summary>
    public long[] OperatorOutputs { get; }

    /// <summary>
    /// MACs per image of layer <paramref name="layer"/>: its operator's operations plus its emitted values × fan-out (0 for
    /// populations, whose work is <see cref="SynapticEventsPerImage"/>).
    /// </summary>
    public double MacsPerImage(int layer) => MacsPerImageOf(OperatorMacs[layer], OperatorOutputs[layer], FanOut[layer], Images);

    /// <summary>
    /// MACs per image of an operator layer that performed <paramref name="macs"/> operations and emitted <paramref name="outputs"/>
    /// non-zero values, each reaching <paramref name="fanOut"/> synapses, over <paramref name="images"/> images (0 without images).
    /// </summary>
    public static double MacsPerImageOf(long macs, long outputs, double fanOut, int images) =>
        images == 0 ? 0 : (macs + outputs * fanOut) / images;

    /// <summary>MACs per image of every operator layer (<see cref="MacsPerImage"/>).</summary>
    public double TotalMacsPerImage => Enumerable.Range(0, LayerSpikes.Length).Sum(MacsPerImage);

    /// <summary>Input spikes (Poisson input) over all images and steps.</summary>
    public long InputSpikes { get; internal set; }

    /// <summary>
    /// Spikes of the bias neurons over all images and steps (<see cref="Snn.BiasMode.Neuron"/>: one bias neuron per population
    /// with a bias, per image; 0 with bias currents). A bias neuron is a neuron: its spikes count in <see cref="SpikesPerImage"/>.
    /// </summary>
    public long BiasSpikes { get; internal set; }

    /// <summary>
    /// Synaptic events of the bias neurons: each spike reaches every neuron of its population with a non-zero bias. They count in
    /// <see cref="TotalSynapticEventsPerImage"/> and in the energy estimates.
    /// </summary>
    public long BiasEvents { get; internal set; }

    /// <summary>Per layer, per neuron: spikes summed over images and steps.</summary>
    public long[][] NeuronSpikes { get; }

    /// <summary>Mean synaptic fan-out of one spike of each layer.</summary>
    public IReadOnlyList<double> FanOut { get; }

    public double InputFanOut { get; }

    /// <summary>Final prediction of each image, in data order.</summary>
    public List<int> Predictions { get; } = [];

    /// <summary>
    /// Per image, in data order: the number of steps t (1..T) from which on the prediction never changed again, i.e. the
    /// prediction after t, t + 1, …, T steps is the final one (see <see cref="Analysis.AccuracyLatency"/>).
    /// </summary>
    public IReadOnlyList<int> StableFrom => StableFromList;

    internal List<int> StableFromList { get; } = [];

    /// <summary>
    /// With <see cref="SimulationOptions.KeepOutputs"/>: per image, the output estimate after T steps (readout potential / T;
    /// spike count / T · θ for a spiking output).
    /// </summary>
    public List<float[]> Outputs { get; } = [];

    /// <summary>Membrane trace of each probe (first image), one value per step.</summary>
    public Dictionary<NeuronProbe, float[]> Traces { get; } = [];

    public double AccuracyAt(int t) =>
        t < 1 || t > Timesteps
            ? throw new ArgumentOutOfRangeException(nameof(t), $"t = {t} is outside 1..{Timesteps}")
            : Images == 0 ? 0 : (double)CorrectAt[t - 1] / Images;

    /// <summary>Synaptic events (spikes × fan-out) per image of each layer.</summary>
    public double SynapticEventsPerImage(int layer) => EventsPerImage(LayerSpikes[layer], FanOut[layer], Images);

    /// <summary>Spikes of every layer and of the bias neurons per image.</summary>
    public double SpikesPerImage => SpikesPerImageOf([.. LayerSpikes, BiasSpikes], Images);

    /// <summary>Synaptic events of every layer, of the input and of the bias neurons per image.</summary>
    public double TotalSynapticEventsPerImage =>
        TotalEventsPerImage(LayerSpikes, FanOut, InputSpikes, InputFanOut, Images) + EventsPerImage(BiasEvents, 1, Images);

    /// <summary>
    /// Synaptic events per image of a source that fired <paramref name="spikes"/> spikes over <paramref name="images"/> images,
    /// each reaching <paramref name="fanOut"/> synapses: spikes × fan-out / images (0 without images). The one formula every
    /// count of events goes through, so that counts added up over shards of the images give the whole run's value bit for bit.
    /// </summary>
    public static double EventsPerImage(long spikes, double fanOut, int images) => images == 0 ? 0 : spikes * fanOut / images;

    /// <summary>Spikes of every layer per image: Σ spikes / images (0 without images).</summary>
    public static double SpikesPerImageOf(IReadOnlyList<long> layerSpikes, int images)
    {
        ArgumentNullException.ThrowIfNull(layerSpikes);
        return images == 0 ? 0 : (double)layerSpikes.Sum() / images;
    }

    /// <summary>
    /// Synaptic events per image of every layer and of the input: Σ_l <see cref="EventsPerImage"/>(spikes_l, fan-out_l) in layer
    /// order, plus the input's.
    /// </summary>
    public static double TotalEventsPerImage(
        IReadOnlyList<long> layerSpikes, IReadOnlyList<double> fanOut, long inputSpikes, double inputFanOut, int images)
    {
        ArgumentNullException.ThrowIfNull(layerSpikes);
        ArgumentNullException.ThrowIfNull(fanOut);
        return Enumerable.Range(0, layerSpikes.Count).Sum(l => EventsPerImage(layerSpikes[l], fanOut[l], images))
            + EventsPerImage(inputSpikes, inputFanOut, images);
    }
}
