namespace Ann2Snn.Snn;

/// <summary>How a population's constant bias current is delivered (M10).</summary>
public enum BiasMode
{
    /// <summary>A constant background current b every step.</summary>
    Current,

    /// <summary>A bias neuron firing regularly at a chosen rate (SimulationOptions.BiasNeuronRate) with synaptic weight b / rate.</summary>
    Neuron,
}
