using Ann2Snn.Data;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>The simulator backends by name: "dense", "event", "layered" (dense, one layer at a time over all steps), "ttfs" (time-to-first-spike coding), or "auto" (chosen for the network).</summary>
public static class Simulators
{
    /// <summary>Accepted names, for help texts and error messages.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dense", "event", "layered", "ttfs", "auto"];

    /// <summary>The rate-coded backends, which simulate the same network with the same options and can be timed side by side.</summary>
    public static IReadOnlyList<string> RateCoded { get; } = ["dense", "layered", "event"];

    /// <summary>
    /// Mean firing rate (spikes per neuron per step over the spiking layers) above which "auto" keeps the dense
    /// backend: the event backend's synaptic work grows with the rate and the dense backend's does not.
    /// </summary>
    public const double EventRateLimit = 0.3;

    /// <summary>
    /// The backend named <paramref name="name"/> (case-insensitive). "auto" needs <paramref name="network"/> and
    /// uses <paramref name="measuredRate"/> when known (see <see cref="ChooseFor"/>).
    /// </summary>
    public static ISimulator Create(string name, SpikingNetwork? network = null, double? measuredRate = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name.Trim().ToLowerInvariant())
        {
            case "dense":
                return new DenseSimulator();
            case "event":
                return new EventSimulator();
            case "layered":
                return new LayeredSimulator();
            case "ttfs":
                return new TtfsSimulator();
            case "auto":
                if (network is null) ThrowHelper.InvalidOption("simulator", "'auto' chooses a backend for a network; none was given");
                return ChooseFor(network, measuredRate);
            default:
                ThrowHelper.InvalidOption("simulator", $"'{name}' is not a simulator; expected one of {string.Join(", ", Names)}");
                return null!;
        }
    }

    /// <summary>Images of the pilot run that measures the firing rate for "auto" (<see cref="ChooseByPilot"/>).</summary>
    public const int PilotImages = 16;

    /// <summary>
    /// Chooses as <see cref="ChooseFor"/> does, from the rate measured on <paramref name="pilot"/> (a few images; the
    /// event backend simulates them with <paramref name="options"/>, at most 64 steps, without probes or outputs).
    /// </summary>
    public static (ISimulator Simulator, double Rate) ChooseByPilot(SpikingNetwork network, DataBatch pilot, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(pilot);
        ArgumentNullException.ThrowIfNull(options);
        SimulationOptions quick = options with { Timesteps = Math.Min(options.Timesteps, 64), Probes = [], KeepOutputs = false };
        double rate = MeanRate(new EventSimulator().Run(network, [pilot], quick), network);
        return (ChooseFor(network, rate), rate);
    }

    /// <summary>Spikes per neuron and step over the network's spiking populations (neurons and max-pool units).</summary>
    public static double MeanRate(SimulationResult result, SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(network);
        long neurons = network.Layers.Where(l => l is not ReadoutLayer).Sum(l => (long)l.Shape.Size);
        return neurons == 0 || result.Images == 0 ? 0 : (double)result.LayerSpikes.Sum() / neurons / result.Timesteps / result.Images;
    }

    /// <summary>
    /// The event backend when some weighted synapses (dense or convolutional) carry spikes of a population — the
    /// work it saves — and the measured rate, if given, is at most <see cref="EventRateLimit"/>; otherwise dense.
    /// </summary>
    public static ISimulator ChooseFor(SpikingNetwork network, double? measuredRate = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (measuredRate is { } r && (!double.IsFinite(r) || r < 0)) ThrowHelper.InvalidOption("rate", $"measured rate {r} must be finite and non-negative");
        bool spikingWeights = network.Layers.SelectMany(SpikingNetwork.ProjectionsOf)
            .Any(p => p.Source >= 0 && p.Ops.Any(o => o is DenseOp or ConvOp));
        return spikingWeights && (measuredRate ?? 0) <= EventRateLimit ? new EventSimulator() : new DenseSimulator();
    }
}
