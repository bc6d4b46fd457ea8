using Ann2Snn.Data;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// Runs a rate-coded backend (dense or event) through <see cref="ChunkRunner"/>: each image's arithmetic and random
/// stream are independent of the chunking and the thread count, so results are deterministic for a seed.
/// </summary>
internal static class SimulationRunner
{
    public static SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options, bool channelsLast,
        Func<SimulationPlan, Func<SimulationWorker>> backend, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Input == InputEncoding.Ttfs) ThrowHelper.InvalidOption("input", "ttfs needs the ttfs backend");
        var plan = new SimulationPlan(network, options, channelsLast);
        Func<SimulationWorker> newWorker = backend(plan);
        return ChunkRunner.Run(network, data, options, options.Timesteps, newWorker, progress, cancellationToken);
    }
}
