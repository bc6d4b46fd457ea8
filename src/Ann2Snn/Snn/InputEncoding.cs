namespace Ann2Snn.Snn;

/// <summary>How input values become input to the first synapses.</summary>
public enum InputEncoding
{
    /// <summary>The value is injected as a constant current every step (the first layer's current is computed once).</summary>
    Analog,

    /// <summary>Each value x ∈ [0, 1] is a Poisson spike train firing with probability x·MaxRate per step (seeded).</summary>
    Poisson,

    /// <summary>
    /// Time to first spike: each value a = x / input scale ∈ [0, 1] is one spike in the first window of
    /// SimulationOptions.TtfsWindow steps, the earlier the larger (a ≥ 1 at the window's first step, none for a ≤ 0).
    /// Only the ttfs backend runs it.
    /// </summary>
    Ttfs,
}
