using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Analysis;

/// <summary>
/// The energy, per image, of one SNN run under an <see cref="EnergyProfile"/> against the ANN it was converted from:
/// E_SNN = synaptic events × (E_s + weight read) + analog-input MACs × (E_MAC + weight read) + neuron updates × state access;
/// E_ANN = MACs × (E_MAC + weight read) + weighted-layer outputs × state access.
/// </summary>
public sealed record EnergyEstimate(
    EnergyProfile Profile,
    double SnnJoules,
    double AnnJoules,
    double SynapticEventsPerImage,
    long AnalogInputMacs,
    double NeuronUpdatesPerImage,
    long AnnMacs,
    IReadOnlyList<LayerEnergy> Layers)
{
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
        profile.Validate();
        if (result.LayerSpikes.Length != network.Layers.Count)
        {
            throw new ArgumentException($"the result has {result.LayerSpikes.Length} layers, "
                + $"network '{network.Name}' has {network.Layers.Count}", nameof(result));
        }
        double perEvent = profile.SynapticEvent + profile.WeightRead, perMac = profile.Mac + profile.WeightRead;

        var layers = new List<LayerEnergy>();
        bool analog = result.InputSpikes == 0;
        if (!analog)
        {
            double inputEvents = result.Images == 0 ? 0 : result.InputSpikes * result.InputFanOut / result.Images;
            layers.Add(new LayerEnergy("input", inputEvents, inputEvents * perEvent));
        }
        for (int l = 0; l < network.Layers.Count; l++)
        {
            double events = result.SynapticEventsPerImage(l);
            layers.Add(new LayerEnergy(network.Layers[l].Name, events, events * perEvent));
        }
        double totalEvents = layers.Sum(e => e.EventsPerImage);
        long inputMacs = analog ? AnalogInputMacsOf(network) : 0;
        double updates = (double)network.Layers.OfType<NeuronLayer>().Sum(n => (long)n.Shape.Size) * result.Timesteps;
        double snn = totalEvents * perEvent + inputMacs * perMac + updates * profile.StateAccess;

        long annMacs = ann.TotalMacs;
        long annOutputs = ann.Nodes.Where(n => n.Macs > 0).Sum(n => (long)n.OutputShape.Size);
        double annJoules = annMacs * perMac + annOutputs * profile.StateAccess;
        return new EnergyEstimate(profile, snn, annJoules, totalEvents, inputMacs, updates, annMacs, layers);
    }

    /// <summary>
    /// MACs per image that computing the analog input current takes: every op of every projection from the input (a
    /// dense op one per weight, a convolution output size × C/g × kH × kW, an average pool output size × kH × kW).
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
