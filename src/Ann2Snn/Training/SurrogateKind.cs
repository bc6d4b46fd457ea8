namespace Ann2Snn.Training;

/// <summary>
/// The derivative that stands in for the spike function's (a Heaviside step, whose derivative is zero almost everywhere)
/// in the backward pass. Each is a function of x = u − θ (membrane after charging minus threshold) and a slope k &gt; 0.
/// </summary>
public enum SurrogateKind
{
    /// <summary>Fast sigmoid (SuperSpike, Zenke &amp; Ganguli 2018): σ'(x) = 1 / (1 + k·|x|)².</summary>
    FastSigmoid,

    /// <summary>Arctangent (Fang et al. 2021, SpikingJelly's ATan): σ'(x) = (k/2) / (1 + (π/2·k·x)²).</summary>
    Atan,

    /// <summary>Triangle (Esser et al. 2016; Bellec et al. 2018): σ'(x) = k·max(0, 1 − k·|x|), unit area.</summary>
    Triangle,
}
