using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>A layer of the spiking network; its index in <see cref="SpikingNetwork.Layers"/> identifies it.</summary>
public abstract class SpikingLayer
{
    private protected SpikingLayer(string name, Shape shape)
    {
        Name = name;
        Shape = shape;
    }

    public string Name { get; }
    public Shape Shape { get; }
    public abstract string Kind { get; }
}
