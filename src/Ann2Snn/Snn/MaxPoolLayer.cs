using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>Max pooling of a spiking source by a <see cref="MaxPoolScheme"/> circuit.</summary>
public sealed class MaxPoolLayer : SpikingLayer
{
    public MaxPoolLayer(string name, int source, Shape input, Window2d window, MaxPoolScheme scheme, Shape output) : base(name, output)
    {
        SynapticOp.RequirePooling($"max pool '{name}'", input, window, output);
        Source = source;
        InputShape = input;
        Window = window;
        Scheme = scheme;
    }

    public int Source { get; }
    public Shape InputShape { get; }
    public Window2d Window { get; }
    public MaxPoolScheme Scheme { get; }
    public override string Kind => "maxpool";
}
