namespace Ann2Snn.Simulation;

/// <summary>How the simulators evaluate spike-equivalent operators (<see cref="Snn.OperatorLayer"/>) each step.</summary>
public enum OperatorEvaluation
{
    /// <summary>Every step, Yₜ = t·f(Aₜ/t) recomputed from the accumulated operands: the window sum is exactly T·f(mean input).</summary>
    Exact,

    /// <summary>
    /// Work proportional to what changed. The product keeps Zₜ = AₜBₜ by the exact update Zₜ = Zₜ₋₁ + aₜBₜ₋₁ + Aₜbₜ over the
    /// non-zero entries of this step's currents aₜ, bₜ (still exact: Yₜ = Zₜ/t). Softmax, LayerNorm and GELU recompute only
    /// the rows (GELU: the elements) whose input current is non-zero this step; a row without input holds its last value
    /// of f (emits Yₜ₋₁/(t − 1)), an approximation, since its mean input Aₜ/t still moves.
    /// </summary>
    Incremental,
}
