using System.Collections.Concurrent;
using Ann2Snn.Data;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// The run loop every backend shares: batches are split into chunks of <see cref="SimulationOptions.ChunkSize"/> images
/// simulated in parallel, one reusable worker per thread, whose counts are flushed into the result after each chunk.
/// Each image's arithmetic and random stream must be independent of the chunking and the thread count, so results
/// are deterministic for a seed.
/// </summary>
internal static class ChunkRunner
{
    public static SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options, int timesteps,
        Func<IChunkWorker> newWorker, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var result = new SimulationResult(timesteps, network.Layers.Select(l => l.Name).ToArray(),
            network.Layers.Select(l => l.Shape.Size).ToArray(),
            Enumerable.Range(0, network.Layers.Count).Select(network.FanOut).ToArray(), network.FanOut(-1));
        var workers = new ConcurrentBag<IChunkWorker>();
        int parallelism = options.MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : options.MaxDegreeOfParallelism;
        int imageBase = 0;
        var gate = new object();
        foreach (DataBatch batch in data)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (batch.Count == 0) continue;
            CheckBatch(network, batch);
            int chunks = (batch.Count + options.ChunkSize - 1) / options.ChunkSize;
            var predictions = new int[batch.Count];
            var stableFrom = new int[batch.Count];
            float[][]? outputs = options.KeepOutputs ? new float[batch.Count][] : null;
            int first = imageBase;
            Parallel.For(0, chunks,
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, c =>
            {
                if (!workers.TryTake(out IChunkWorker? w)) w = newWorker();
                int start = c * options.ChunkSize, n = Math.Min(options.ChunkSize, batch.Count - start);
                for (int s = 0; s < n; s += w.Capacity)
                {
                    w.Simulate(batch, start + s, Math.Min(w.Capacity, n - s), first + start + s, predictions, stableFrom, outputs);
                }
                lock (gate) w.Results.FlushInto(result);
                workers.Add(w);
            });
            result.Predictions.AddRange(predictions);
            result.StableFromList.AddRange(stableFrom);
            if (outputs is not null) result.Outputs.AddRange(outputs);
            imageBase += batch.Count;
            result.Images = imageBase;
            progress?.Report(imageBase);
        }
        return result;
    }

    /// <summary>
    /// Records <paramref name="prediction"/> as the prediction of image <paramref name="i"/> after step <paramref name="t"/>
    /// (0-based); when it differs from the previous step's (or at the first step), the image is stable from t + 1 steps on.
    /// </summary>
    public static void Predict(int[] predictions, int[] stableFrom, int i, int t, int prediction)
    {
        if (t == 0 || predictions[i] != prediction) stableFrom[i] = t + 1;
        predictions[i] = prediction;
    }

    /// <summary>
    /// Throws <see cref="InvalidDatasetException"/> when <paramref name="batch"/> holds fewer values than its images need,
    /// or a NaN or infinite value (which no encoder can turn into spikes).
    /// </summary>
    public static void CheckBatch(SpikingNetwork network, DataBatch batch)
    {
        int length = SequencePresentation.Read(network)?.Length ?? 1, sample = network.InputShape.Size * length;
        if (batch.Data.Length < (long)batch.Count * sample)
        {
            string each = length == 1 ? $"{network.InputShape}" : $"{length} sequence elements of {network.InputShape}";
            throw new InvalidDatasetException($"simulation: a batch of {batch.Count} images holds {batch.Data.Length} values, "
                + $"expected {(long)batch.Count * sample} ({each} each)");
        }
        ElementType.CheckFinite(batch.Data.AsSpan(0, batch.Count * sample), "simulation input", 0, sample);
    }
}
