using Ann2Snn.Neurons;
using Ann2Snn.Snn;

namespace Ann2Snn.Training;

/// <summary>A layer of a <see cref="TrainableNetwork"/> and where its learnable arrays sit in the parameter list.</summary>
internal sealed class TrainableLayer(SpikingLayer layer, int bias, bool biasPerChannel, int threshold, int[][] weights)
{
    public SpikingLayer Layer { get; } = layer;
    public int Size => Layer.Shape.Size;

    /// <summary>Index of the bias parameter (−1 for a max-pool layer).</summary>
    public int Bias { get; } = bias;

    /// <summary>The bias is one value per channel, shared by the channel's neurons.</summary>
    public bool BiasPerChannel { get; } = biasPerChannel;

    /// <summary>Index of the threshold parameter, −1 when thresholds are fixed.</summary>
    public int Threshold { get; } = threshold;

    /// <summary>Per projection, per op: index of the op's weight parameter, −1 for an op without weights.</summary>
    public int[][] Weights { get; } = weights;

    public IReadOnlyList<Projection> Projections => SpikingNetwork.ProjectionsOf(Layer);

    public NeuronParameters Neuron => ((NeuronLayer)Layer).Neuron;
}
