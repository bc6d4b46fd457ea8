namespace Ann2Snn.Nir;

/// <summary>
/// One layer against a chip: its size and connectivity, the NIR nodes it becomes, and what fails (<see cref="Problems"/>)
/// or could not be checked for want of a published figure (<see cref="Unchecked"/>). Fan-out is the mean over the layer's
/// neurons; fan-in counts the synapses into the busiest neuron; weight bits are what the weights need (signed), null for
/// float weights.
/// </summary>
public sealed record LayerVerdict(string Name, string Kind, long Neurons, long FanIn, double FanOut, int? WeightBits, long? Cores,
    IReadOnlyList<string> NirNodes, IReadOnlyList<string> Problems, IReadOnlyList<string> Unchecked)
{
    /// <summary>"fail" with a problem, "ok" otherwise ("ok*" when something could not be checked).</summary>
    public string Verdict => Problems.Count > 0 ? "fail" : Unchecked.Count > 0 ? "ok*" : "ok";
}
