using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;

namespace Ann2Snn.Analysis;

/// <summary>Per-layer agreement between a converted SNN and its ANN on the same images.</summary>
public static class LayerAgreement
{
    /// <summary>Fraction of saturated neurons above which a population is named in a warning.</summary>
    public const double WarningFraction = 0.01;

    /// <summary>
    /// Compares every spiking population of <paramref name="conversion"/> (kind "neurons") in <paramref name="result"/>
    /// with the activation of its ANN node in <paramref name="ann"/>, which must hold the SAME images in the same order,
    /// run through the prepared graph (<see cref="ConversionResult.FoldedGraph"/>). A rate r stands for r·λ/s, with
    /// s = <paramref name="rateFraction"/> (<see cref="ConversionOptions.EffectiveRateFraction"/> / (refractory steps + 1);
    /// 1 by default). With channel-wise normalization λ is the largest channel's, so the comparison is approximate.
    /// </summary>
    public static AgreementReport Compute(ConversionResult conversion, SimulationResult result, AnnActivations ann,
        int timesteps, float rateFraction = 1f)
    {
        var populations = new List<PopulationAgreement>();
        var warnings = new List<string>();
        foreach (PopulationMeans m in Means(conversion, result, ann, timesteps, rateFraction))
        {
            int size = m.Ann.Length, saturated = 0;
            for (int k = 0; k < size; k++)
            {
                if (m.Rate[k] >= 0.99 * rateFraction || m.Ann[k] > m.Layer.Scale) saturated++;
            }
            double rmse = Math.Sqrt(m.Ann.Zip(m.Snn, (x, y) => (x - y) * (x - y)).Average());
            double fraction = (double)saturated / size;
            populations.Add(new PopulationAgreement(m.Layer.Name, m.Layer.FromNode, size, m.Layer.Scale, Pearson(m.Snn, m.Ann),
                rmse, fraction, m.Ann.Average(), m.Snn.Average()));
            if (fraction > WarningFraction)
            {
                warnings.Add($"layer '{m.Layer.Name}': {fraction:P1} of its {size} neurons saturate (λ = {m.Layer.Scale:g4}); "
                    + "a higher normalization percentile would clip less");
            }
        }
        return new AgreementReport(populations, warnings);
    }

    /// <summary>
    /// Per population (kind "neurons"), per neuron: the mean ANN ReLU activation and the SNN's mean rate·λ/s over the
    /// images; same arguments and conditions as <see cref="Compute"/>.
    /// </summary>
    public static IReadOnlyList<PopulationMeans> Means(ConversionResult conversion, SimulationResult result, AnnActivations ann,
        int timesteps, float rateFraction = 1f)
    {
        ArgumentNullException.ThrowIfNull(conversion);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(ann);
        if (timesteps < 1) ThrowHelper.InvalidOption("timesteps", $"must be at least 1, got {timesteps}");
        if (!(rateFraction > 0 && rateFraction <= 1)) ThrowHelper.InvalidOption("rate-fraction", $"{rateFraction} is outside (0, 1]");
        if (ann.Batch != result.Images || result.Images == 0)
        {
            throw new ArgumentException($"the ANN activations hold {ann.Batch} images, the simulation {result.Images}: "
                + "compare the same (non-empty) images", nameof(ann));
        }
        int images = result.Images;
        var means = new List<PopulationMeans>();
        foreach (ConvertedLayer layer in conversion.Layers)
        {
            if (layer.Kind != "neurons") continue;
            int l = IndexOf(result.LayerNames, layer.Name);
            Node node = ann.Graph.Nodes.FirstOrDefault(n => n.Name == layer.FromNode)
                ?? throw new ArgumentException($"node '{layer.FromNode}' of population '{layer.Name}' is not in graph '{ann.Graph.Name}' "
                    + "(pass the prepared graph's activations)", nameof(ann));
            float[] a = ann.Of(node);
            long[] counts = result.NeuronSpikes[l];
            int size = counts.Length;
            if (node.OutputShape.Size != size) throw new ArgumentException($"node '{node.Name}' has {node.OutputShape.Size} values, "
                + $"population '{layer.Name}' {size} neurons", nameof(ann));

            var annMean = new double[size];
            for (int b = 0; b < images; b++)
            {
                for (int k = 0; k < size; k++) annMean[k] += Math.Max(0f, a[b * size + k]);
            }
            var snnMean = new double[size];
            var rates = new double[size];
            for (int k = 0; k < size; k++)
            {
                annMean[k] /= images;
                rates[k] = (double)counts[k] / timesteps / images;
                snnMean[k] = rates[k] * layer.Scale / rateFraction;
            }
            means.Add(new PopulationMeans(layer, annMean, snnMean, rates));
        }
        return means;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name) return i;
        }
        throw new ArgumentException($"population '{name}' is not in the simulation result (simulate the converted network)");
    }

    /// <summary>Pearson correlation of <paramref name="x"/> and <paramref name="y"/>; NaN when either is constant.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} values against {y.Count}", nameof(y));
        if (x.Count == 0) return double.NaN;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }
}
