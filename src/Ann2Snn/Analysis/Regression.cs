namespace Ann2Snn.Analysis;

/// <summary>Least-squares fits used by the studies.</summary>
public static class Regression
{
    /// <summary>
    /// Slope of the least-squares line through (log x, log y); points with x or y not positive are skipped (NaN when fewer than
    /// two remain).
    /// </summary>
    public static double LogLogSlope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"x has {x.Count} values, y {y.Count}");
        var points = Enumerable.Range(0, x.Count).Where(i => x[i] > 0 && y[i] > 0 && double.IsFinite(x[i]) && double.IsFinite(y[i]))
            .Select(i => (X: Math.Log(x[i]), Y: Math.Log(y[i]))).ToArray();
        if (points.Length < 2) return double.NaN;
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double sxy = points.Sum(p => (p.X - mx) * (p.Y - my)), sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return sxx > 0 ? sxy / sxx : double.NaN;
    }
}
