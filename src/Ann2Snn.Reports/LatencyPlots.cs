using Ann2Snn.Evaluation;
using ScottPlot;

namespace Ann2Snn.Reports;

/// <summary>The latency report's PNG plots (<see cref="LatencyReportWriter"/>); each method writes one file and returns its name.</summary>
internal static class LatencyPlots
{
    /// <summary>Accuracy against T (log₂ axis), one line per method, the ANN dashed and the matched accuracy dotted.</summary>
    public static string Accuracy(LatencySweepResult r, string dir) =>
        Accuracy($"Accuracy vs. window T per method ({r.Images:N0} images)", r.Methods, r.Points, r.AnnAccuracy, (r.Target, r.Tolerance),
            dir, "latency_accuracy.png");

    /// <summary>
    /// Accuracy against T (log₂ axis), one line per series (the points whose method is its name), the ANN dashed when given and
    /// the matched accuracy dotted when given; written to <paramref name="file"/> in <paramref name="dir"/>.
    /// </summary>
    internal static string Accuracy(string title, IReadOnlyList<string> series, IReadOnlyList<LatencyPoint> points, double? annAccuracy,
        (double Target, double Tolerance)? matched, string dir, string file)
    {
        Plot plot = ReportPlots.New(title, "timesteps T (log₂ scale)", "accuracy (%)");
        for (int m = 0; m < series.Count; m++)
        {
            string name = series[m];
            LatencyPoint[] own = [.. points.Where(p => p.Method == name).OrderBy(p => p.Timesteps)];
            double[] xs = [.. own.Select(p => Math.Log2(p.Timesteps))], ys = [.. own.Select(p => 100 * p.Accuracy)];
            var line = plot.Add.Scatter(xs, ys, Color(m));
            line.LegendText = name;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        if (annAccuracy is double ann)
        {
            var annLine = plot.Add.HorizontalLine(100 * ann, 2, Colors.Black, LinePattern.Dashed);
            annLine.LegendText = $"ANN ({100 * ann:F2} %)";
        }
        if (matched is var (target, tolerance))
        {
            var line = plot.Add.HorizontalLine(100 * target, 1, Colors.Black, LinePattern.Dotted);
            line.LegendText = $"matched (ANN − {tolerance:G3} pp)";
        }
        ReportPlots.LogTicks(plot.Axes.Bottom, Math.Log2(points.Min(p => p.Timesteps)), Math.Log2(points.Max(p => p.Timesteps)), 2);
        plot.ShowLegend(Alignment.LowerRight);
        return ReportPlots.Save(plot, dir, file);
    }

    /// <summary>
    /// Accuracy against synaptic events per image (log₁₀ axis): every point labelled method@T in its method's colour, the Pareto
    /// front ringed and joined. The accuracy axis spans at most <see cref="ParetoSpan"/> pp below the ANN, where the trade-off
    /// is; a point further down sits on the bottom edge as a ▼ with its accuracy in its label.
    /// </summary>
    public static string Pareto(LatencySweepResult r, string dir) =>
        Pareto(r.Methods, r.Points, r.Front, r.AnnAccuracy, dir, "latency_pareto.png");

    /// <summary>
    /// The Pareto plot of <paramref name="all"/> (coloured by series, the points whose method is its name) with
    /// <paramref name="front"/> ringed and joined, and the ANN dashed when given; written to <paramref name="file"/>.
    /// </summary>
    internal static string Pareto(IReadOnlyList<string> series, IReadOnlyList<LatencyPoint> all, IReadOnlyList<LatencyPoint> front,
        double? annAccuracy, string dir, string file)
    {
        Plot plot = ReportPlots.New("Accuracy vs. synaptic events per image (ringed and joined: the Pareto front)",
            "synaptic events per image (log₁₀ scale)", "accuracy (%)");
        static double X(LatencyPoint p) => Math.Log10(Math.Max(p.SynapticEventsPerImage, 1));
        double lowest = 100 * all.Min(p => p.Accuracy);
        double floor = annAccuracy is double a ? Math.Max(lowest, 100 * a - ParetoSpan) : lowest;
        double top = Math.Max(100 * all.Max(p => p.Accuracy), 100 * (annAccuracy ?? 0));
        double margin = 0.05 * Math.Max(top - floor, 0.1), bottom = floor - margin;
        double Y(LatencyPoint p) => Math.Max(100 * p.Accuracy, bottom);
        for (int m = 0; m < series.Count; m++)
        {
            string name = series[m];
            LatencyPoint[] points = [.. all.Where(p => p.Method == name)];
            double[] px = [.. points.Select(X)], py = [.. points.Select(Y)];
            var markers = plot.Add.ScatterPoints(px, py, Color(m));
            markers.MarkerSize = 8;
            markers.LegendText = name;
            foreach (LatencyPoint p in points)
            {
                bool below = 100 * p.Accuracy < bottom;
                if (below) plot.Add.Marker(X(p), Y(p), MarkerShape.FilledTriangleDown, 12, Color(m));
                var label = plot.Add.Text(below ? $"{p.Label} ({100 * p.Accuracy:F1} %)" : p.Label, X(p), Y(p));
                label.LabelFontSize = 10;
                label.LabelFontColor = Color(m);
                label.LabelAlignment = Alignment.LowerLeft;
                label.OffsetX = 4;
            }
        }
        double[] fx = [.. front.Select(X)], fy = [.. front.Select(Y)];
        var joined = plot.Add.Scatter(fx, fy, Colors.Black);
        joined.LineWidth = 1;
        joined.LinePattern = LinePattern.Dotted;
        joined.MarkerShape = MarkerShape.OpenCircle;
        joined.MarkerSize = 16;
        joined.LegendText = "Pareto front";
        if (annAccuracy is double annValue)
        {
            var ann = plot.Add.HorizontalLine(100 * annValue, 2, Colors.Black, LinePattern.Dashed);
            ann.LegendText = "ANN";
        }
        double[] xs = [.. all.Select(X)];
        ReportPlots.LogTicks(plot.Axes.Bottom, xs.Min(), xs.Max(), 10);
        plot.Axes.SetLimitsX(xs.Min() - 0.1, xs.Max() + 0.35); // room for the labels right of the last points
        plot.Axes.SetLimitsY(bottom - margin, top + margin);
        plot.ShowLegend(Alignment.LowerRight);
        return ReportPlots.Save(plot, dir, file, ReportPlots.Width + 200, ReportPlots.Height + 100);
    }

    /// <summary>Percentage points below the ANN the Pareto plot's accuracy axis reaches at most.</summary>
    public const double ParetoSpan = 5;

    /// <summary>Ten distinct colours for the methods (the eight built-in ones fit); the ANN is black.</summary>
    private static readonly ScottPlot.Palettes.Category10 Methods = new();

    private static Color Color(int method) => Methods.GetColor(method);
}
