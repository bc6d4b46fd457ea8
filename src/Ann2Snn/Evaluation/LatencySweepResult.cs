namespace Ann2Snn.Evaluation;

/// <summary>
/// What <see cref="LatencySweep.Run"/> measured: every point (method × window, in the request's order, methods outer), the ANN's
/// accuracy and the matched accuracy <see cref="Target"/> = ANN − <see cref="Tolerance"/> pp, where each method first reaches it
/// (<see cref="Matched"/>, events relative to <see cref="Reference"/>), and the Pareto front of accuracy against events.
/// </summary>
public sealed record LatencySweepResult
{
    /// <summary>The model's file, or the graph's name.</summary>
    public required string Model { get; init; }

    /// <summary>The test images' description.</summary>
    public required string Data { get; init; }

    /// <summary>Test images per point.</summary>
    public required int Images { get; init; }

    /// <summary>The ANN's accuracy on the test images (measured once).</summary>
    public required double AnnAccuracy { get; init; }

    /// <summary>Percentage points below the ANN that count as matched.</summary>
    public required double Tolerance { get; init; }

    /// <summary>The matched accuracy, a fraction: <see cref="AnnAccuracy"/> − <see cref="Tolerance"/>/100.</summary>
    public double Target => AnnAccuracy - Tolerance / 100;

    /// <summary>The method the others' events are compared with.</summary>
    public required string Reference { get; init; }

    /// <summary>The windows, in the request's order.</summary>
    public required IReadOnlyList<int> Windows { get; init; }

    /// <summary>The methods' names, in the request's order.</summary>
    public required IReadOnlyList<string> Methods { get; init; }

    /// <summary>What each method does, in a line, by name.</summary>
    public required IReadOnlyDictionary<string, string> Descriptions { get; init; }

    public required IReadOnlyList<LatencyPoint> Points { get; init; }

    /// <summary>Per method, in order: the smallest window reaching <see cref="Target"/> and its events there.</summary>
    public required IReadOnlyList<MatchedAccuracy> Matched { get; init; }

    /// <summary>The Pareto front of <see cref="Points"/> (<see cref="ParetoFront"/>), by events ascending.</summary>
    public required IReadOnlyList<LatencyPoint> Front { get; init; }

    /// <summary>The point of <paramref name="method"/> at window <paramref name="t"/>, or null when not measured.</summary>
    public LatencyPoint? At(string method, int t) => Points.FirstOrDefault(p => p.Method == method && p.Timesteps == t);

    /// <summary>Whether <paramref name="point"/> is on the Pareto front.</summary>
    public bool OnFront(LatencyPoint point) => Front.Contains(point);
}
