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

    /// <summary>Input spikes (Poisson input) over all images and steps.</summary>
    public long InputSpikes { get; internal set; }

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
    public double SynapticEventsPerImage(int layer) => Images == 0 ? 0 : LayerSpikes[layer] * FanOut[layer] / Images;

    public double SpikesPerImage => Images == 0 ? 0 : (double)LayerSpikes.Sum() / Images;

    public double TotalSynapticEventsPerImage =>
        Enumerable.Range(0, LayerSpikes.Length).Sum(SynapticEventsPerImage) + (Images == 0 ? 0 : InputSpikes * InputFanOut / Images);
}
