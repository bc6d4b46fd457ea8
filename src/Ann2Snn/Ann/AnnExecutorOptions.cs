namespace Ann2Snn.Ann;

/// <summary>Options of the ANN executor.</summary>
public sealed record AnnExecutorOptions
{
    /// <summary>Worker threads over the batch; 0 means <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Samples per unit of work: each worker runs the whole graph on one chunk of the batch at a time, so a chunk's
    /// activations stay in cache and a dense layer is one GEMM per chunk. 0 picks a size from the batch and the
    /// worker count. Results do not depend on it, nor on the degree of parallelism.
    /// </summary>
    public int BatchChunk { get; init; }
}
