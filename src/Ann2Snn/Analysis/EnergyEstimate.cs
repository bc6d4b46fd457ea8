using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Analysis;

/// <summary>
/// The energy, per image, of one SNN run under an <see cref="EnergyProfile"/> against the ANN it was converted from:
/// E_SNN = synaptic events × (E_s + weight read) + (analog-input MACs + operator MACs) × (E_MAC + weight read) + neuron
/// updates × state access; E_ANN = MACs × (E_MAC + weight read) + weighted-layer outputs × state access. Operator MACs are the
/// work of spike-equivalent operators (<see cref="Snn.OperatorLayer"/>), which compute on accumulated values every step and
/// are not event-driven.
/// </summary>
public sealed record EnergyEstimate(
    EnergyProfile Profile,
    double SnnJoules,
    double AnnJoules,
    double SynapticEventsPerImage,
    long AnalogInputMacs,
    double NeuronUpdatesPerImage,
    long AnnMacs,
    IReadOnlyList<LayerEnergy> Layers,
    double OperatorMacsPerImage = 0)
{
    /// <summary>The share of E_SNN spent on MACs (the analog first layer's and the operators'), 0 for an SNN that costs nothing.</summary>
    public double MacShare => SnnJoules > 0 ? (AnalogInputMacs + OperatorMacsPerImage) * (Profile.Mac + Profile.WeightRead) / SnnJoules : 0;

    /// <summary>E_ANN / E_SNN: above 1 the SNN saves energy (∞ for an SNN that costs nothing).</summary>
    public double Ratio => SnnJoules > 0 ? AnnJoules / SnnJoules : double.PositiveInfinity;

    /// <summary>
    /// Estimates the energy per image of <paramref name="result"/> (a run of <paramref name="network"/>) and of
    /// <paramref name="ann"/>. The input is taken as analog when the run counted no input spikes: the first layer then
    /// computes its input current as MACs, charged once per image (the projections from the input, see
    /// <see cref="AnalogInputMacsOf"/>); otherwise input spikes are synaptic events like any other.
    /// </summary>
    public static EnergyEstimate For(SimulationResult result, SpikingNetwork network, ModelGraph ann, EnergyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(ann);
        ArgumentNullException.ThrowIfNull(profile);
        if (result.LayerSpikes.Length != network.Layers.Count)
        {
            throw new ArgumentException($"the result has {result.LayerSpikes.Length} layers, "
                + $"network '{network.Name}' has {network.Layers.Count}", nameof(result));
        }
        var layers = new List<(string, double, double)>();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            layers.Add((network.Layers[l].Name, result.SynapticEventsPerImage(l), result.MacsPerImage(l)));
        }
        // A bias neuron is a neuron: its events cost what any synaptic event costs (M10).
        if (result.BiasEvents > 0) layers.Add(("bias neurons", SimulationResult.EventsPerImage(result.BiasEvents, 1, result.Images), 0));
        double input = SimulationResult.EventsPerImage(result.InputSpikes, result.InputFanOut, result.Images);
        return For(EnergyBasis.Of(network, ann), result.Timesteps, result.InputSpikes == 0 ? null : input, layers, profile);
    }

    /// <summary>
    /// The estimate from a run's events per image: <paramref name="inputEvents"/> those of input spikes (null for analog input,
    /// whose first layer then costs <see cref="EnergyBasis.AnalogInputMacs"/>), <paramref name="layers"/> those of each
    /// population in order, over <paramref name="timesteps"/> steps of the networks <paramref name="basis"/> describes.
    /// </summary>
    public static EnergyEstimate For(EnergyBasis basis, int timesteps, double? inputEvents,
        IReadOnlyList<(string Name, double Events)> layers, EnergyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return For(basis, timesteps, inputEvents, [.. layers.Select(l => (l.Name, l.Events, 0.0))], profile);
    }

    /// <summary>
    /// As <see cref="For(EnergyBasis, int, double?, IReadOnlyList{ValueTuple{string, double}}, EnergyProfile)"/>, each layer with
    /// its MACs per image as well (an operator layer's; 0 for populations).
    /// </summary>
    public static EnergyEstimate For(EnergyBasis basis, int timesteps, double? inputEvents,
        IReadOnlyList<(string Name, double Events, double Macs)> layers, EnergyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(basis);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        double perEvent = profile.SynapticEvent + profile.WeightRead, perMac = profile.Mac + profile.WeightRead;
        var sources = new List<LayerEnergy>();
        if (inputEvents is double e) sources.Add(new LayerEnergy("input", e, e * perEvent));
        foreach ((string name, double events, double macs) in layers)
        {
            sources.Add(new LayerEnergy(name, events, events * perEvent + macs * perMac, macs));
        }
        double totalEvents = sources.Sum(l => l.EventsPerImage), operatorMacs = sources.Sum(l => l.MacsPerImage);
        long inputMacs = inputEvents is null ? basis.AnalogInputMacs : 0;
        double updates = (double)basis.Neurons * timesteps;
        double snn = totalEvents * perEvent + (inputMacs + operatorMacs) * perMac + updates * profile.StateAccess;
        double annJoules = basis.AnnMacs * perMac + basis.AnnOutputs * profile.StateAccess;
        return new EnergyEstimate(profile, snn, annJoules, totalEvents, inputMacs, updates, basis.AnnMacs, sources, operatorMacs);
    }

    /// <summary>
    /// MACs per image that computing the analog input current takes: every op of every projection from the input (a
    /// dense op one per weight (over tokens, per weight and position), a convolution output size × C/g × kH × kW, an
    /// average pool output size × kH × kW).
    /// </summary>
    public static long AnalogInputMacsOf(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        long macs = 0;
        foreach (SpikingLayer layer in network.Layers)
        {
            foreach (Projection p in SpikingNetwork.ProjectionsOf(layer))
            {
                if (p.Source != -1) continue;
                foreach (SynapticOp op in p.Ops)
                {
                    macs += op switch
                    {
                        DenseOp d => d.Weight.Length,
                        TokenDenseOp t => (long)t.Weight.Length * t.Positions,
                        ConvOp c => (long)c.OutputShape.Size * c.Weight.Shape[1] * c.Window.KernelH * c.Window.KernelW,
                        AvgPoolOp a => (long)a.OutputShape.Size * a.Window.KernelH * a.Window.KernelW,
                        _ => 0,
                    };
                }
            }
        }
        return macs;
    }
}
