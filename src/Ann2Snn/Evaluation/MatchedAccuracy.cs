namespace Ann2Snn.Evaluation;

/// <summary>
/// Where <paramref name="Method"/> first reaches the matched accuracy (the ANN's less a tolerance): the smallest window
/// <paramref name="Timesteps"/> of the sweep at which its accuracy is at least the target, its accuracy and synaptic events
/// per image there, and those events over the reference method's at its own matched window
/// (<paramref name="RelativeEvents"/>: below 1 saves energy). All null when the method never reaches the target; the ratio
/// null too when the reference does not.
/// </summary>
public sealed record MatchedAccuracy(string Method, int? Timesteps, double? Accuracy, double? SynapticEventsPerImage,
    double? RelativeEvents)
{
    /// <summary>
    /// The matched accuracy of every method of <paramref name="points"/> (in their first-seen order) at
    /// <paramref name="target"/> (a fraction), relative to <paramref name="reference"/>'s.
    /// </summary>
    public static IReadOnlyList<MatchedAccuracy> For(IEnumerable<LatencyPoint> points, double target, string reference)
    {
        ArgumentNullException.ThrowIfNull(points);
        LatencyPoint[] all = [.. points];
        string[] methods = [.. all.Select(p => p.Method).Distinct()];
        LatencyPoint? First(string method) =>
            all.Where(p => p.Method == method && p.Accuracy >= target).OrderBy(p => p.Timesteps).FirstOrDefault();
        double? baseline = First(reference)?.SynapticEventsPerImage;
        return [.. methods.Select(m => First(m) is { } p
            ? new MatchedAccuracy(m, p.Timesteps, p.Accuracy, p.SynapticEventsPerImage,
                baseline is { } b && b > 0 ? p.SynapticEventsPerImage / b : null)
            : new MatchedAccuracy(m, null, null, null, null))];
    }
}
