using Ann2Snn.Data;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>Runs a spiking network on labelled data for T steps.</summary>
public interface ISimulator
{
    string Name { get; }

    SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default);
}
