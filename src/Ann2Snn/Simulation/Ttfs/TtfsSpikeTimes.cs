namespace Ann2Snn.Simulation.Ttfs;

/// <summary>
/// Every spike of a TTFS run: for the input and each spiking layer, per image and neuron, the step of its single
/// spike or −1. Layer <c>l</c> spikes within [<see cref="WindowStart"/>(l), <see cref="WindowStart"/>(l) + W).
/// </summary>
public sealed class TtfsSpikeTimes
{
    internal TtfsSpikeTimes(int window, int timesteps, int images, int[] depth, int[] input, int[][] layers)
    {
        Window = window;
        Timesteps = timesteps;
        Images = images;
        Depth = depth;
        Input = input;
        Layers = layers;
    }

    /// <summary>Steps per window, W.</summary>
    public int Window { get; }

    /// <summary>Length of the run, (max depth + 1)·W.</summary>
    public int Timesteps { get; }

    public int Images { get; }

    /// <summary>Depth of each layer: 1 + the largest depth of its sources (the input has depth 0).</summary>
    public IReadOnlyList<int> Depth { get; }

    /// <summary>Input spike steps, [image × input size], −1 = none; the input's window is [0, W).</summary>
    public int[] Input { get; }

    /// <summary>Per layer, spike steps [image × layer size] (−1 = none); empty for a non-spiking readout.</summary>
    public IReadOnlyList<int[]> Layers { get; }

    /// <summary>First step of layer <paramref name="layer"/>'s window (−1 = the input's, 0).</summary>
    public int WindowStart(int layer) => layer < 0 ? 0 : Depth[layer] * Window;
}
