namespace Ann2Snn.Training;

/// <summary>
/// One learnable array of a <see cref="TrainableNetwork"/>: a synaptic weight tensor, a population's bias (per channel for a
/// convolutional population whose converted bias is uniform in each channel, per neuron otherwise) or a layer's threshold.
/// <see cref="Values"/> is the live array the optimizer updates in place.
/// </summary>
public sealed class TrainableParameter(string name, float[] values, bool isWeight)
{
    /// <summary>Layer name, then what it is: "conv1/weight", "conv1/bias", "conv1/threshold".</summary>
    public string Name { get; } = name;

    public float[] Values { get; } = values;

    /// <summary>A weight (weight decay applies), not a bias or a threshold.</summary>
    public bool IsWeight { get; } = isWeight;
}
