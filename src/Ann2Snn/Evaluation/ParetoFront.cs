namespace Ann2Snn.Evaluation;

/// <summary>
/// The Pareto front of accuracy against synaptic events: the points no other point dominates, where p dominates q when
/// events(p) ≤ events(q) and accuracy(p) ≥ accuracy(q), one of them strictly (fewer events for at least the accuracy, or more
/// accuracy for at most the events). Points equal in both do not dominate each other.
/// </summary>
public static class ParetoFront
{
    /// <summary>Whether <paramref name="p"/> dominates <paramref name="q"/>.</summary>
    public static bool Dominates(LatencyPoint p, LatencyPoint q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        return p.SynapticEventsPerImage <= q.SynapticEventsPerImage && p.Accuracy >= q.Accuracy
            && (p.SynapticEventsPerImage < q.SynapticEventsPerImage || p.Accuracy > q.Accuracy);
    }

    /// <summary>
    /// The non-dominated points of <paramref name="points"/>, by events ascending (then accuracy descending): sorted once, a
    /// point is on the front when its accuracy beats every point with fewer events, O(n log n).
    /// </summary>
    public static IReadOnlyList<LatencyPoint> Of(IEnumerable<LatencyPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        LatencyPoint[] sorted = [.. points.OrderBy(p => p.SynapticEventsPerImage).ThenByDescending(p => p.Accuracy)];
        var front = new List<LatencyPoint>();
        double best = double.NegativeInfinity; // best accuracy among points with strictly fewer events
        for (int i = 0; i < sorted.Length;)
        {
            // A group of equal events: its most accurate points are on the front unless a cheaper point is at least as accurate.
            int end = i;
            while (end < sorted.Length && sorted[end].SynapticEventsPerImage == sorted[i].SynapticEventsPerImage) end++;
            double top = sorted[i].Accuracy;
            if (top > best)
            {
                for (int j = i; j < end && sorted[j].Accuracy == top; j++) front.Add(sorted[j]);
                best = top;
            }
            i = end;
        }
        return front;
    }
}
