using ScottPlot;

namespace Ann2Snn.Reports;

/// <summary>The report's PNG plots (ScottPlot); each method writes one file and returns its name.</summary>
internal static class ReportPlots
{
    public const int Width = 800, Height = 500;

    internal static readonly Color[] Palette = [Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4, Colors.C5, Colors.C6, Colors.C7];

    internal static Plot New(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title, size: 15);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    internal static string Save(Plot plot, string dir, string name, int width = Width, int height = Height)
    {
        plot.SavePng(Path.Combine(dir, name), width, height);
        return name;
    }

    /// <summary>Ticks at integer exponents: base^k labelled as numbers (base 2) or powers of ten.</summary>
    internal static void LogTicks(IAxis axis, double min, double max, int logBase)
    {
        int lo = (int)Math.Floor(min), hi = (int)Math.Ceiling(max);
        int stride = Math.Max(1, (hi - lo + 1) / 12);
        var positions = new List<double>();
        var labels = new List<string>();
        for (int k = lo; k <= hi; k += stride)
        {
            positions.Add(k);
            double value = Math.Pow(logBase, k);
            labels.Add(value is >= 1e-3 and < 1e6 ? value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : $"1e{k}");
        }
        axis.SetTicks([.. positions], [.. labels]);
    }

    public static string Accuracy(ReportData d, string dir)
    {
        Plot plot = New($"Accuracy vs. simulation length ({d.Images:N0} images)", "timesteps T (log₂ scale)", "accuracy (%)");
        double[] xs = [.. d.Accuracy.Select(a => Math.Log2(a.Timesteps))];
        var snn = plot.Add.Scatter(xs, [.. d.Accuracy.Select(a => 100 * a.Snn)], Palette[0]);
        snn.LegendText = "SNN";
        snn.LineWidth = 2;
        snn.MarkerSize = 7;
        if (d.AnnAccuracy is { } ann)
        {
            var line = plot.Add.HorizontalLine(100 * ann, 2, Palette[1], LinePattern.Dashed);
            line.LegendText = $"ANN ({100 * ann:F2} %)";
        }
        LogTicks(plot.Axes.Bottom, xs.Min(), xs.Max(), 2);
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, dir, "accuracy.png");
    }

    public static string BiasVariance(ReportData d, string dir)
    {
        Plot plot = New($"Output error vs. T ({d.BiasVarianceImages} images, {d.BiasVariance[0].Seeds} Poisson seeds)",
            "timesteps T (log₂ scale)", "mean squared error (log₁₀ scale)");
        double[] xs = [.. d.BiasVariance.Select(p => Math.Log2(p.Timesteps))];
        var all = new List<double>();
        void Series(string label, Func<Analysis.ErrorAtT, double> value, int color)
        {
            double[] ys = [.. d.BiasVariance.Select(p => Math.Log10(Math.Max(value(p), 1e-12)))];
            all.AddRange(ys);
            var s = plot.Add.Scatter(xs, ys, Palette[color]);
            s.LegendText = label;
            s.LineWidth = 2;
            s.MarkerSize = 7;
        }
        Series("variance (Poisson input)", p => p.Variance, 0);
        Series("bias² (Poisson input, debiased)", p => Math.Max(p.DebiasedPoissonBiasSquared, 0), 1);
        Series("bias² (analog input)", p => p.AnalogBiasSquared, 2);
        LogTicks(plot.Axes.Bottom, xs.Min(), xs.Max(), 2);
        LogTicks(plot.Axes.Left, all.Min(), all.Max(), 10);
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, dir, "bias_variance.png");
    }

    public static string Rates(ReportData d, string dir)
    {
        LayerActivity[] layers = [.. d.Layers.Where(l => l.Kind != "readout")];
        Plot plot = New($"Mean firing rate per layer (T = {d.Timesteps})", "layer", "rate (spikes per neuron per step)");
        var bars = plot.Add.Bars([.. layers.Select((_, i) => (double)i)], [.. layers.Select(l => l.Rate)]);
        bars.Color = Palette[0];
        plot.Axes.Bottom.SetTicks([.. layers.Select((_, i) => (double)i)], [.. layers.Select(l => l.Name)]);
        if (layers.Length > 6)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        }
        plot.Axes.Margins(bottom: 0);
        return Save(plot, dir, "rates.png", Math.Max(Width, 60 * layers.Length), Height);
    }

    public static string Scatter(ReportData d, NeuronScatter s, int index, string dir)
    {
        Plot plot = New($"{s.Population}: SNN vs. ANN", $"ANN activation (mean ReLU output over {d.AgreementImages} images)",
            "SNN estimate (mean rate · λ / s)");
        var points = plot.Add.ScatterPoints(s.Ann, s.Snn, Palette[0]);
        points.MarkerSize = 4;
        points.LegendText = $"neurons ({s.Ann.Length:N0} shown)";
        double max = Math.Max(s.Ann.DefaultIfEmpty(0).Max(), s.Snn.DefaultIfEmpty(0).Max());
        if (max <= 0) max = 1;
        var diagonal = plot.Add.Line(0, 0, max, max);
        diagonal.Color = Palette[3];
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "y = x (perfect agreement)";
        plot.ShowLegend(Alignment.UpperLeft);
        string safe = new([.. s.Population.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
        return Save(plot, dir, $"scatter_{index:D2}_{safe}.png", 640, 520);
    }

    public static string Energy(ReportData d, string dir)
    {
        double snnAcc = 100 * d.Accuracy[^1].Snn;
        Plot plot = New($"Energy per image vs. accuracy (T = {d.Timesteps}): ● SNN, ■ ANN", "energy per image (µJ, log₁₀ scale)",
            "accuracy (%)");
        var xs = new List<double>();
        for (int i = 0; i < d.Energy.Count; i++)
        {
            EnergyRow e = d.Energy[i];
            double xSnn = Math.Log10(Math.Max(e.SnnJoules * 1e6, 1e-12)), xAnn = Math.Log10(Math.Max(e.AnnJoules * 1e6, 1e-12));
            xs.Add(xSnn);
            xs.Add(xAnn);
            var snn = plot.Add.Marker(xSnn, snnAcc, MarkerShape.FilledCircle, 10, Palette[i % Palette.Length]);
            snn.LegendText = e.Profile;
            if (d.AnnAccuracy is { } annAcc)
            {
                plot.Add.Marker(xAnn, 100 * annAcc, MarkerShape.FilledSquare, 10, Palette[i % Palette.Length]);
                var link = plot.Add.Line(xSnn, snnAcc, xAnn, 100 * annAcc);
                link.Color = Palette[i % Palette.Length].WithAlpha(0.4);
                link.LinePattern = LinePattern.Dotted;
            }
        }
        LogTicks(plot.Axes.Bottom, xs.Min(), xs.Max(), 10);
        double lo = Math.Min(snnAcc, 100 * (d.AnnAccuracy ?? d.Accuracy[^1].Snn));
        double hi = Math.Max(snnAcc, 100 * (d.AnnAccuracy ?? d.Accuracy[^1].Snn));
        plot.Axes.SetLimitsY(lo - 1 - 0.2 * (hi - lo), hi + 1 + 0.2 * (hi - lo));
        plot.Axes.SetLimitsX(Math.Floor(xs.Min()) - 0.2, Math.Ceiling(xs.Max()) + 0.2);
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, dir, "energy.png");
    }

    public static string Discretization(ReportData d, string dir)
    {
        DiscretizationSummary s = d.Discretization!;
        DiscretizationRow[] rows = [.. s.Points.Where(p => p.MeanSpikeTimeError > 0)];
        Plot plot = New($"Spike-time error vs. Δt (LIF, τm = {s.TauMem:G4}, τ_ref = {s.RefractoryTime:G4})",
            "step Δt (time units, log₁₀ scale)", "mean |t_step − t_exact| (time units, log₁₀ scale)");
        double[] xs = [.. rows.Select(p => Math.Log10(p.Dt))], ys = [.. rows.Select(p => Math.Log10(p.MeanSpikeTimeError))];
        var points = plot.Add.Scatter(xs, ys, Palette[0]);
        points.LegendText = $"stepped vs. exact (first 10 spikes, mean of {s.Currents.Count} inputs)";
        points.LineWidth = 2;
        points.MarkerSize = 7;
        if (xs.Length >= 2 && double.IsFinite(s.Slope))
        {
            // The least-squares line in log-log space: through the centroid with the fitted slope.
            double mx = xs.Average(), my = ys.Average();
            var fit = plot.Add.Line(xs.Min(), my + s.Slope * (xs.Min() - mx), xs.Max(), my + s.Slope * (xs.Max() - mx));
            fit.Color = Palette[3];
            fit.LinePattern = LinePattern.Dashed;
            fit.LegendText = $"fit: slope {s.Slope:F2} (1 expected)";
        }
        if (xs.Length > 0)
        {
            LogTicks(plot.Axes.Bottom, xs.Min(), xs.Max(), 10);
            LogTicks(plot.Axes.Left, ys.Min(), ys.Max(), 10);
        }
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, dir, "discretization.png");
    }

    public static string Synapse(ReportData d, string dir)
    {
        Analysis.SynapsePoint delta = d.Synapse[0];
        Analysis.SynapsePoint[] exp = [.. d.Synapse.Skip(1)];
        Plot plot = New("Membrane jitter and rate vs. synaptic time constant (Poisson input)", "τs (steps)",
            "jitter: std of per-step charge (threshold units)");
        double[] xs = [.. exp.Select(p => (double)p.TauSyn)];
        var jitter = plot.Add.Scatter(xs, [.. exp.Select(p => p.Jitter)], Palette[0]);
        jitter.LegendText = "jitter, exponential synapse";
        jitter.LineWidth = 2;
        jitter.MarkerSize = 7;
        var line = plot.Add.HorizontalLine(delta.Jitter, 2, Palette[0], LinePattern.Dashed);
        line.LegendText = $"jitter, delta synapse ({delta.Jitter:G3})";
        var rate = plot.Add.Scatter(xs, [.. exp.Select(p => p.MeanRate)], Palette[1]);
        rate.LegendText = $"mean rate, exponential (right axis; delta {delta.MeanRate:G3})";
        rate.LineWidth = 2;
        rate.MarkerSize = 7;
        rate.MarkerShape = MarkerShape.FilledSquare;
        rate.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "mean rate (spikes per neuron per step)";
        double maxRate = d.Synapse.Max(p => p.MeanRate);
        plot.Axes.SetLimitsY(0, 2 * Math.Max(maxRate, 1e-9), plot.Axes.Right);
        plot.Axes.SetLimitsY(0, 1.4 * Math.Max(d.Synapse.Max(p => p.Jitter), 1e-9), plot.Axes.Left);
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, dir, "synapse.png");
    }
}
