using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// What one worker measured since its last flush: correct predictions per step, spikes per layer and per neuron,
/// input spikes and probe traces. Each worker owns one; <see cref="FlushInto"/> adds it to the run's result (under
/// the runner's lock) and starts it again from zero.
/// </summary>
internal sealed class ResultAccumulator
{
    private readonly int[]?[] _toCanonical; // per layer: canonical index of each neuron of its layout (null: canonical already)

    /// <param name="timesteps">Steps per image.</param>
    /// <param name="layers">The network's layers.</param>
    /// <param name="layouts">How the worker lays out each layer (null: all canonical); per-neuron counts are kept in these layouts.</param>
    public ResultAccumulator(int timesteps, SpikingLayer[] layers, LayerLayout[]? layouts = null)
    {
        Correct = new long[timesteps];
        LayerSpikes = new long[layers.Length];
        OperatorMacs = new long[layers.Length];
        OperatorOutputs = new long[layers.Length];
        NeuronSpikes = layers.Select(l => new long[l.Shape.Size]).ToArray();
        _toCanonical = layers.Select((_, i) => layouts is not null && layouts[i].IsChannelsLast
            ? layouts[i].ToCanonicalMap.ToArray()
            : null).ToArray();
    }

    /// <summary>Images classified correctly after step t (index t).</summary>
    public long[] Correct { get; }

    /// <summary>Spikes per layer.</summary>
    public long[] LayerSpikes { get; }

    /// <summary>Per operator layer: the operations it performed (<see cref="OperatorCircuit"/>; 0 for other layers).</summary>
    public long[] OperatorMacs { get; }

    /// <summary>Per operator layer: the non-zero values it emitted (each costs its fan-out in MACs downstream).</summary>
    public long[] OperatorOutputs { get; }

    /// <summary>Per layer and neuron (index in the worker's layout of the layer): spikes (net of sign for signed layers).</summary>
    public long[][] NeuronSpikes { get; }

    public long InputSpikes { get; set; }

    /// <summary>Spikes of the bias neurons (<see cref="Snn.BiasMode.Neuron"/>).</summary>
    public long BiasSpikes { get; set; }

    /// <summary>Synaptic events of the bias neurons: per spike, the neurons of the layer with a non-zero bias.</summary>
    public long BiasEvents { get; set; }

    /// <summary>Membrane trace of each probe (first image), one value per step.</summary>
    public Dictionary<NeuronProbe, float[]> Traces { get; } = [];

    /// <summary>Adds everything counted so far to <paramref name="result"/> and clears it.</summary>
    public void FlushInto(SimulationResult result)
    {
        for (int t = 0; t < Correct.Length; t++) result.CorrectAt[t] += Correct[t];
        Array.Clear(Correct);
        for (int l = 0; l < LayerSpikes.Length; l++)
        {
            result.LayerSpikes[l] += LayerSpikes[l];
            result.OperatorMacs[l] += OperatorMacs[l];
            result.OperatorOutputs[l] += OperatorOutputs[l];
            long[] counts = NeuronSpikes[l], total = result.NeuronSpikes[l];
            if (_toCanonical[l] is { } canonical)
            {
                for (int k = 0; k < counts.Length; k++) total[canonical[k]] += counts[k];
            }
            else
            {
                for (int k = 0; k < counts.Length; k++) total[k] += counts[k];
            }
            Array.Clear(NeuronSpikes[l]);
        }
        Array.Clear(LayerSpikes);
        Array.Clear(OperatorMacs);
        Array.Clear(OperatorOutputs);
        result.InputSpikes += InputSpikes;
        InputSpikes = 0;
        result.BiasSpikes += BiasSpikes;
        result.BiasEvents += BiasEvents;
        BiasSpikes = BiasEvents = 0;
        foreach (var (probe, trace) in Traces) result.Traces[probe] = trace;
        Traces.Clear();
    }
}
