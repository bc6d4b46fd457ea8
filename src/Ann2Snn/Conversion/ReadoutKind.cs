namespace Ann2Snn.Conversion;

/// <summary>How the output is read.</summary>
public enum ReadoutKind
{
    /// <summary>Non-spiking output neurons accumulate their current; the argmax of the potential is the answer.</summary>
    Membrane,

    /// <summary>Spiking output neurons; the argmax of the spike count is the answer (ties by potential).</summary>
    SpikeCount,
}
