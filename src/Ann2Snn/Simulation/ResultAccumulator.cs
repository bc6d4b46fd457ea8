using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// What one worker measured since its last flush: correct predictions per step, spikes per layer and per neuron,
/// input spikes and probe traces. Each worker owns one; <see cref="FlushInto"/> adds it to the run's result (under
/// the runner's lock) and starts it again from zero.
/// </summary>
internal sealed class ResultAccumulator
{
    public ResultAccumulator(int timesteps, SpikingLayer[] layers)
    {
        Correct = new long[timesteps];
        LayerSpikes = new long[layers.Length];
        NeuronSpikes = layers.Select(l => new long[l.Shape.Size]).ToArray();
    }

    /// <summary>Images classified correctly after step t (index t).</summary>
    public long[] Correct { get; }

    /// <summary>Spikes per layer.</summary>
    public long[] LayerSpikes { get; }

    /// <summary>Per layer and canonical neuron index: spikes (net of sign for signed layers).</summary>
    public long[][] NeuronSpikes { get; }

    public long InputSpikes { get; set; }

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
            for (int k = 0; k < NeuronSpikes[l].Length; k++) result.NeuronSpikes[l][k] += NeuronSpikes[l][k];
            Array.Clear(NeuronSpikes[l]);
        }
        Array.Clear(LayerSpikes);
        result.InputSpikes += InputSpikes;
        InputSpikes = 0;
        foreach (var (probe, trace) in Traces) result.Traces[probe] = trace;
        Traces.Clear();
    }
}
