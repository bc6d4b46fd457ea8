namespace Ann2Snn.Neurons;

/// <summary>What the membrane does after a spike.</summary>
public enum ResetMode
{
    /// <summary>V ← V − V_th: the charge above threshold is kept, so the rate tracks the input without a floor loss.</summary>
    BySubtraction,

    /// <summary>V ← the model's reset potential (0 for IF, V_rest for LIF): the charge above threshold is lost.</summary>
    ToZero,
}
