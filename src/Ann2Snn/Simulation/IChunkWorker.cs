using Ann2Snn.Data;

namespace Ann2Snn.Simulation;

/// <summary>
/// Reusable per-thread state of a backend: simulates up to <see cref="Capacity"/> images at a time and counts into <see cref="Results"/>.
/// </summary>
internal interface IChunkWorker
{
    /// <summary>Images simulated together (a chunk is simulated in pieces of this many).</summary>
    int Capacity { get; }

    /// <summary>What this worker counted since its last flush.</summary>
    ResultAccumulator Results { get; }

    /// <summary>
    /// Simulates images <paramref name="start"/>..start + n − 1 of <paramref name="batch"/> (image <paramref name="firstImage"/>
    /// of the run first); writes their predictions, the steps from which those stayed unchanged (and outputs) at the same indices.
    /// </summary>
    void Simulate(DataBatch batch, int start, int n, int firstImage, int[] predictions, int[] stableFrom, float[][]? outputs);
}
