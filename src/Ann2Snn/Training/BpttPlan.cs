using Ann2Snn.Kernels;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Training;

/// <summary>
/// What one batch runs on, compiled from the parameters as they are now: the projections packed for the simulator's kernels
/// (the dense backend's own <see cref="CompiledProjection"/>, so the currents are its currents), the transposed convolutions
/// of the input gradients, each population's bias per neuron, threshold and neuron constants. Shared, read-only, by the chunks.
/// </summary>
internal sealed class BpttPlan
{
    public BpttPlan(TrainableNetwork network)
    {
        Network = network;
        TrainableLayer[] layers = network.Layers;
        Timesteps = network.Options.Timesteps;
        Surrogate = new Surrogate(network.Options.Surrogate, network.Options.Slope);
        Projections = new CompiledProjection[layers.Length][];
        InputGradients = new ConvTranspose2dWeights?[layers.Length][][];
        Biases = new float[layers.Length][];
        Neurons = new NeuronConstants[layers.Length];
        for (int l = 0; l < layers.Length; l++)
        {
            TrainableLayer t = layers[l];
            Projections[l] = [.. t.Projections.Select(p => new CompiledProjection(p))];
            InputGradients[l] = [.. t.Projections.Select((p, i) => p.Ops.Select((op, k) => op is ConvOp c && (k > 0 || p.Source >= 0)
                ? Conv2dGradient.InputGradient(Geometry(c), c.Weight.Data)
                : null).ToArray())];
            if (t.Layer is MaxPoolLayer) continue;
            Biases[l] = network.ExpandedBias(l);
            if (t.Layer is NeuronLayer n) Neurons[l] = NeuronConstants.Of(n.Neuron, network.ThresholdOf(l));
        }
        ScratchSize = Projections.SelectMany(p => p).Select(p => p.MaxSize).DefaultIfEmpty(1).Max();
        OutputSize = layers[^1].Size;
    }

    public TrainableNetwork Network { get; }
    public int Timesteps { get; }
    public Surrogate Surrogate { get; }
    public CompiledProjection[][] Projections { get; }

    /// <summary>Per layer, projection and op: the transposed convolution that maps a conv op's output gradient to its input's.</summary>
    public ConvTranspose2dWeights?[][][] InputGradients { get; }

    public float[][] Biases { get; }
    public NeuronConstants[] Neurons { get; }
    public int ScratchSize { get; }
    public int OutputSize { get; }

    public static Conv2dGeometry Geometry(ConvOp c) =>
        new(c.InputShape.Channels, c.InputShape.Height, c.InputShape.Width, c.OutputShape.Channels, c.Window, c.Groups);
}
