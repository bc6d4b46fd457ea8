using Ann2Snn.Adversarial;

namespace Ann2Snn.Evaluation;

/// <summary>
/// What <see cref="AdversarialStudy.Run"/> measures: the model, data, conversion and simulation of <see cref="Evaluation"/> (its
/// <see cref="EvaluationRequest.Steps"/> and <see cref="Ann2Snn.Simulation.SimulationOptions.Timesteps"/> are replaced by
/// <see cref="Timesteps"/>), the attack, and the budgets ε to attack with.
/// </summary>
public sealed record AdversarialRequest
{
    public required EvaluationRequest Evaluation { get; init; }

    /// <summary>The attack (its <see cref="AttackOptions.Epsilon"/> is set from <see cref="Epsilons"/>).</summary>
    public AttackOptions Attack { get; init; } = new();

    /// <summary>The budgets, in the images' units (pixels in [0, 1] for the bundled data).</summary>
    public required IReadOnlyList<float> Epsilons { get; init; }

    /// <summary>The windows T the SNN is simulated for, each on its own.</summary>
    public required IReadOnlyList<int> Timesteps { get; init; }

    /// <summary>Keep every adversarial image (for <c>--save-adversarial</c>); otherwise only <see cref="Examples"/> of them.</summary>
    public bool KeepAdversarial { get; init; }

    /// <summary>Images kept as examples (clean, adversarial at each ε) for the report.</summary>
    public int Examples { get; init; } = 8;

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when the request cannot be run; reads no file.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Evaluation, nameof(Evaluation));
        Evaluation.Validate();
        if (Epsilons is null || Epsilons.Count == 0) ThrowHelper.InvalidOption("eps", "no budgets ε to attack with");
        foreach (float e in Epsilons) (Attack with { Epsilon = e }).Validate();
        if (Timesteps is null || Timesteps.Count == 0) ThrowHelper.InvalidOption("timesteps", "no windows T to simulate");
        foreach (int t in Timesteps.Where(t => t < 1 || t > Simulation.SimulationOptions.MaxTimesteps))
        {
            ThrowHelper.InvalidOption("timesteps", $"T = {t} is outside 1..{Simulation.SimulationOptions.MaxTimesteps:N0}");
        }
        if (Examples < 0) ThrowHelper.InvalidOption("examples", $"{Examples} must not be negative");
    }
}
