using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Evaluation;

/// <summary>
/// What <see cref="LatencySweep.Run"/> measures: every method of <see cref="Methods"/> at every window of <see cref="Windows"/>,
/// each point one <see cref="Evaluator.Run"/> of <see cref="Evaluation"/> (the model, test and calibration data,
/// preprocessing, simulation, backend, batch and limit) with the method's conversion options for the window and T = the window.
/// </summary>
public sealed record LatencySweepRequest
{
    /// <summary>The evaluation every point runs: an ANN to convert; its conversion options, T and steps are the sweep's.</summary>
    public required EvaluationRequest Evaluation { get; init; }

    /// <summary>The windows T (steps), each converted for and simulated on its own.</summary>
    public required IReadOnlyList<int> Windows { get; init; }

    /// <summary>The methods compared (e.g. <see cref="LatencyMethods.Select"/>), with distinct names.</summary>
    public required IReadOnlyList<LatencyMethod> Methods { get; init; }

    /// <summary>Matched accuracy is the ANN's less this many percentage points (default 0.5).</summary>
    public double Tolerance { get; init; } = 0.5;

    /// <summary>The method the others' events at matched accuracy are compared with (default plain).</summary>
    public string Reference { get; init; } = LatencyMethods.Plain;

    /// <summary>
    /// Throws <see cref="InvalidOptionException"/> naming the option when the sweep cannot run: no windows or methods, a window
    /// outside 1..<see cref="SimulationOptions.MaxTimesteps"/>, a negative tolerance, a model that is not converted, input in
    /// spike times; and every method's options at every window, checked before anything runs. Reads no file.
    /// </summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Evaluation, nameof(Evaluation));
        ArgumentNullException.ThrowIfNull(Windows, nameof(Windows));
        ArgumentNullException.ThrowIfNull(Methods, nameof(Methods));
        if (Windows.Count == 0) ThrowHelper.InvalidOption("at", "no window T given");
        foreach (int t in Windows.Where(t => t < 1 || t > SimulationOptions.MaxTimesteps))
        {
            ThrowHelper.InvalidOption("at", $"T = {t} is outside 1..{SimulationOptions.MaxTimesteps:N0}");
        }
        if (Methods.Count == 0) ThrowHelper.InvalidOption("methods", "no method given");
        foreach (string name in Methods.GroupBy(m => m.Name).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            ThrowHelper.InvalidOption("methods", $"'{name}' is given twice");
        }
        if (!(Tolerance >= 0 && double.IsFinite(Tolerance))) ThrowHelper.InvalidOption("match",
            $"{Tolerance} is not a finite number of percentage points ≥ 0");
        if (!Evaluation.Converts)
        {
            ThrowHelper.InvalidOption("model", "a latency sweep converts the model: give an ANN, not a converted network");
        }
        if ((Evaluation.Input ?? Evaluation.Simulation.Input) == InputEncoding.Ttfs)
        {
            ThrowHelper.InvalidOption("input",
                "a latency sweep compares rate-coded windows; time-to-first-spike input sets its own length");
        }
        foreach (LatencyMethod method in Methods)
        {
            foreach (int t in Windows) Point(method, t, null).Validate();
        }
    }

    /// <summary>
    /// The evaluation of <paramref name="method"/> at window <paramref name="t"/>: <see cref="Evaluation"/> with the method's
    /// conversion options, T = <paramref name="t"/> reported at <paramref name="t"/> alone, and the ANN's accuracy when known.
    /// </summary>
    public EvaluationRequest Point(LatencyMethod method, int t, Ann.AnnEvaluation? ann)
    {
        ArgumentNullException.ThrowIfNull(method);
        return Evaluation with
        {
            Conversion = method.Options(t),
            Simulation = Evaluation.Simulation with { Timesteps = t },
            Steps = [t],
            KnownAnn = ann,
        };
    }
}
