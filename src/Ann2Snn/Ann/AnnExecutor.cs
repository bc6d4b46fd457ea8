using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>Options of the ANN executor.</summary>
public sealed record AnnExecutorOptions
{
    /// <summary>Worker threads over the batch; 0 means <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism { get; init; }
}
