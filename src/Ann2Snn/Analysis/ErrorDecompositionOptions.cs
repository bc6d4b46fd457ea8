using Ann2Snn.Simulation;

namespace Ann2Snn.Analysis;

/// <summary>Options of <see cref="ErrorDecomposition.Run"/>.</summary>
public sealed record ErrorDecompositionOptions
{
    /// <summary>Observation windows T at which the output estimate is taken.</summary>
    public IReadOnlyList<int> Timesteps { get; init; } = [32, 128, 512];

    /// <summary>R: independent Poisson seeds per T (at least 2).</summary>
    public int Seeds { get; init; } = 8;

    /// <summary>Simulation settings other than T, input and seed (which the study sets); KeepOutputs is forced on.</summary>
    public SimulationOptions Simulation { get; init; } = new();

    /// <summary>Backend; the dense simulator when null.</summary>
    public ISimulator? Simulator { get; init; }

    public void Validate()
    {
        if (Timesteps is null || Timesteps.Count == 0) ThrowHelper.InvalidOption("timesteps", "at least one T is needed");
        if (Seeds < 2) ThrowHelper.InvalidOption("seeds", $"R = {Seeds}: a variance needs at least 2 seeds");
        Simulation.Validate();
    }
}
