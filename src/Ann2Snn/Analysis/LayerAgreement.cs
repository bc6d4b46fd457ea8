using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;

namespace Ann2Snn.Analysis;

/// <summary>
/// How closely one spiking population follows the ANN activation it encodes, per neuron averaged over the images:
/// <see cref="Correlation"/> (Pearson; NaN when either side is constant) and <see cref="Rmse"/> between the SNN's
/// rate·λ/s and the ANN's ReLU output, and the fraction of neurons that saturate (mean rate ≥ 0.99·s spikes per step,
/// or mean ANN activation above λ, i.e. clipped).
/// </summary>
public sealed record PopulationAgreement(string Name, string FromNode, int Neurons, float Lambda, double Correlation, double Rmse, double SaturatedFraction, double MeanAnn, double MeanSnn);

/// <summary>Every population's agreement and a warning per population where more than 1 % of the neurons saturate.</summary>
public sealed record AgreementReport(IReadOnlyList<PopulationAgreement> Populations, IReadOnlyList<string> Warnings);

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
    public static AgreementReport Compute(ConversionResult conversion, SimulationResult result, AnnActivations ann, int timesteps, float rateFraction = 1f)
    {
        ArgumentNullException.ThrowIfNull(conversion);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(ann);
        if (timesteps < 1) ThrowHelper.InvalidOption("timesteps", $"must be at least 1, got {timesteps}");
        if (!(rateFraction > 0 && rateFraction <= 1)) ThrowHelper.InvalidOption("rate-fraction", $"{rateFraction} is outside (0, 1]");
        if (ann.Batch != result.Images || result.Images == 0)
        {
            throw new ArgumentException($"the ANN activations hold {ann.Batch} images, the simulation {result.Images}: compare the same (non-empty) images", nameof(ann));
        }
        int images = result.Images;
        var populations = new List<PopulationAgreement>();
        var warnings = new List<string>();
        foreach (ConvertedLayer layer in conversion.Layers)
        {
            if (layer.Kind != "neurons") continue;
            int l = IndexOf(result.LayerNames, layer.Name);
            Node node = ann.Graph.Nodes.FirstOrDefault(n => n.Name == layer.FromNode)
                ?? throw new ArgumentException($"node '{layer.FromNode}' of population '{layer.Name}' is not in graph '{ann.Graph.Name}' (pass the prepared graph's activations)", nameof(ann));
            float[] a = ann.Of(node);
            long[] counts = result.NeuronSpikes[l];
            int size = counts.Length;
            if (node.OutputShape.Size != size) throw new ArgumentException($"node '{node.Name}' has {node.OutputShape.Size} values, population '{layer.Name}' {size} neurons", nameof(ann));

            var annMean = new double[size];
            for (int b = 0; b < images; b++)
            {
                for (int k = 0; k < size; k++) annMean[k] += Math.Max(0f, a[b * size + k]);
            }
            var snnMean = new double[size];
            int saturated = 0;
            for (int k = 0; k < size; k++)
            {
                annMean[k] /= images;
                double rate = (double)counts[k] / timesteps / images;
                snnMean[k] = rate * layer.Scale / rateFraction;
                if (rate >= 0.99 * rateFraction || annMean[k] > layer.Scale) saturated++;
            }
            double rmse = Math.Sqrt(annMean.Zip(snnMean, (x, y) => (x - y) * (x - y)).Average());
            double fraction = (double)saturated / size;
            populations.Add(new PopulationAgreement(layer.Name, layer.FromNode, size, layer.Scale, Pearson(snnMean, annMean), rmse, fraction, annMean.Average(), snnMean.Average()));
            if (fraction > WarningFraction)
            {
                warnings.Add($"layer '{layer.Name}': {fraction:P1} of its {size} neurons saturate (λ = {layer.Scale:g4}); a higher normalization percentile would clip less");
            }
        }
        return new AgreementReport(populations, warnings);
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
