using Ann2Snn.Data;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation.Dense;

/// <summary>
/// The dense time-stepped backend: every step, every layer's input current is computed from its sources' spike
/// vectors with the dense kernels (GEMM, convolution), then each population is charged, fires and resets.
/// Images are simulated in chunks, in parallel; each image's arithmetic and random stream are independent of the
/// chunking and the thread count, so results are deterministic for a seed. State is allocated once per worker and
/// reused; nothing is allocated per step.
/// </summary>
public sealed class DenseSimulator : ISimulator
{
    public string Name => "dense";

    public SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        SimulationRunner.Run(network, data, options, channelsLast: false, plan => () => new Worker(plan), progress, cancellationToken);

    private sealed class Worker(SimulationPlan plan) : SimulationWorker(plan, plan.Options.ChunkSize)
    {
        /// <summary>current = constant part + Σ over time-varying projections of chain(source spikes, delayed where they are).</summary>
        protected override void Charge(int l, int n, Span<float> current, ReadOnlySpan<float> constant)
        {
            constant.CopyTo(current);
            foreach (CompiledProjection p in Plan.Projections[l])
            {
                if (Plan.IsConstant(p)) continue;
                p.AddTo(SourceSpikes(p, n), n, current, ScratchA, ScratchB);
            }
        }
    }
}
