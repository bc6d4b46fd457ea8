namespace Ann2Snn.Snn;

/// <summary>How max pooling is realized.</summary>
public enum MaxPoolScheme
{
    /// <summary>
    /// Winner-take-all circuit: each input drives an excitatory unit u_i (+1 per spike); a shared inhibitory
    /// interneuron fires when any u_i reaches 1, its spike is the pooled output and it inhibits every u_j by 1.
    /// The output count therefore equals max_i of the input counts at every step.
    /// </summary>
    WinnerTakeAll,

    /// <summary>Spike gating: only spikes of the input with the largest count so far pass (ties to the first).</summary>
    Gate,
}
