using Ann2Snn.Data;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Simulation.Layered;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// The simulator backends by name: "dense", "event", "layered" (dense, one layer at a time over all steps), "ttfs"
/// (time-to-first-spike coding), or "auto" (chosen for the network).
/// </summary>
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
    /// The backend named <paramref name="name"/> (case-insensitive); "auto" is decided by <see cref="Choose(SimulatorBackend,
    /// SpikingNetwork?, SimulationOptions?, Func{DataBatch}?)"/> from <paramref name="network"/>, <paramref name="options"/> and
    /// the <paramref name="pilot"/> images when given.
    /// </summary>
    public static ISimulator Create(
        string name, SpikingNetwork? network = null, SimulationOptions? options = null, Func<DataBatch>? pilot = null) =>
        Choose(Parse(name), network, options, pilot).Simulator;

    /// <summary>The <paramref name="backend"/>; <see cref="SimulatorBackend.Auto"/> is decided as by <see cref="Choose(SimulatorBackend,
    /// SpikingNetwork?, SimulationOptions?, Func{DataBatch}?)"/>.</summary>
    public static ISimulator Create(
        SimulatorBackend backend, SpikingNetwork? network = null, SimulationOptions? options = null, Func<DataBatch>? pilot = null) =>
        Choose(backend, network, options, pilot).Simulator;

    /// <summary>
    /// The backend <paramref name="name"/> names (one of <see cref="Names"/>, case-insensitive); otherwise an
    /// <see cref="InvalidOptionException"/> naming <paramref name="option"/>.
    /// </summary>
    public static SimulatorBackend Parse(string name, string option = "simulator")
    {
        CheckName(name, option);
        return Enum.Parse<SimulatorBackend>(name.Trim(), ignoreCase: true);
    }

    /// <summary>The name of <paramref name="backend"/> as <see cref="Names"/> spells it.</summary>
    public static string NameOf(SimulatorBackend backend) => backend.ToString().ToLowerInvariant();

    /// <summary>
    /// Throws <see cref="InvalidOptionException"/> naming <paramref name="option"/> unless <paramref name="name"/> is one of
    /// <see cref="Names"/> (case-insensitive).
    /// </summary>
    public static void CheckName(string name, string option = "simulator")
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Names.Contains(name.Trim().ToLowerInvariant()))
        {
            ThrowHelper.InvalidOption(option, $"'{name}' is not a simulator; expected one of {string.Join(", ", Names)}");
        }
    }

    /// <summary>
    /// The backend named <paramref name="name"/>, and the one place "auto" is decided: the ttfs backend for
    /// time-to-first-spike input; otherwise the choice of <see cref="ChooseFor"/> for <paramref name="network"/>, with the
    /// firing rate a pilot run measures on the images <paramref name="pilot"/> reads (<see cref="ChooseByPilot"/>; it is
    /// called only then), or without a rate when no pilot is given. PilotRate is the rate measured, null when none was.
    /// </summary>
    public static (ISimulator Simulator, double? PilotRate) Choose(
        string name, SpikingNetwork? network = null, SimulationOptions? options = null, Func<DataBatch>? pilot = null) =>
        Choose(Parse(name), network, options, pilot);

    /// <inheritdoc cref="Choose(string, SpikingNetwork?, SimulationOptions?, Func{DataBatch}?)"/>
    public static (ISimulator Simulator, double? PilotRate) Choose(
        SimulatorBackend backend, SpikingNetwork? network = null, SimulationOptions? options = null, Func<DataBatch>? pilot = null)
    {
        ISimulator? named = backend switch
        {
            SimulatorBackend.Dense => new DenseSimulator(),
            SimulatorBackend.Event => new EventSimulator(),
            SimulatorBackend.Layered => new LayeredSimulator(),
            SimulatorBackend.Ttfs => new TtfsSimulator(),
            SimulatorBackend.Auto => null,
            _ => throw new InvalidOptionException($"option 'simulator': {(int)backend} is not a simulator backend"),
        };
        if (named is not null) return (named, null);
        if (options?.Input == InputEncoding.Ttfs) return (new TtfsSimulator(), null);
        if (network is null) ThrowHelper.InvalidOption("simulator", "'auto' chooses a backend for a network; none was given");
        if (pilot is null) return (ChooseFor(network), null);
        (ISimulator simulator, double rate) = ChooseByPilot(network, pilot(), options ?? new SimulationOptions());
        return (simulator, rate);
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
        // A sequence network runs its whole length (a run of another length does not present every element).
        int steps = SequencePresentation.IsSequence(network) ? options.Timesteps : Math.Min(options.Timesteps, 64);
        SimulationOptions quick = options with { Timesteps = steps, Probes = [], KeepOutputs = false };
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
        if (measuredRate is { } r && (!double.IsFinite(r) || r < 0)) ThrowHelper.InvalidOption("rate",
            $"measured rate {r} must be finite and non-negative");
        bool spikingWeights = network.Layers.SelectMany(SpikingNetwork.ProjectionsOf)
            .Any(p => p.Source >= 0 && p.Ops.Any(o => o is DenseOp or TokenDenseOp or ConvOp));
        return spikingWeights && (measuredRate ?? 0) <= EventRateLimit ? new EventSimulator() : new DenseSimulator();
    }
}
