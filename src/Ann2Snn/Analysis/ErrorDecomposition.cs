using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Snn;

namespace Ann2Snn.Analysis;

/// <summary>
/// Bias/variance decomposition of the SNN output estimate against the ANN (M4): per T, Poisson input under R seeds gives
/// the variance (∝ 1/T) and the bias of the mean; analog input gives the deterministic bias.
/// </summary>
public static class ErrorDecomposition
{
    /// <param name="network">The converted network.</param>
    /// <param name="annOutputs">ANN outputs for the same images (e.g. <see cref="AnnExecutor"/> on
    /// <see cref="ConversionResult.FoldedGraph"/>), count × outputs.</param>
    /// <param name="images">count images, row-major, in the network's input layout.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="options">T values, seeds, simulation settings.</param>
    /// <param name="saturation">When set, the folded graph and the options the network was converted with: the analog bias at the
    /// largest T is split by re-converting with max normalization on <paramref name="images"/> (see
    /// <see cref="SaturationShare"/>).</param>
    public static ErrorDecompositionReport Run(SpikingNetwork network, float[] annOutputs, float[] images, int count,
        ErrorDecompositionOptions options, (ModelGraph FoldedGraph, ConversionOptions Conversion)? saturation = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(annOutputs);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (count <= 0 || images.Length % count != 0) ThrowHelper.InvalidOption("images",
            $"{images.Length} values do not hold {count} images");
        if (annOutputs.Length % count != 0) ThrowHelper.InvalidOption("ann",
            $"{annOutputs.Length} ANN outputs do not divide into {count} images");
        ISimulator simulator = options.Simulator ?? new DenseSimulator();
        var points = new List<ErrorAtT>();
        foreach (int t in options.Timesteps)
        {
            SimulationOptions o = options.Simulation with { Timesteps = t, KeepOutputs = true };
            float[][] runs = Enumerable.Range(0, options.Seeds)
                .Select(r => Outputs(simulator, network, images, count, o with { Input = InputEncoding.Poisson, Seed = o.Seed + 7919 * r }))
                .ToArray();
            if (runs[0].Length != annOutputs.Length) ThrowHelper.InvalidOption("ann",
                $"{annOutputs.Length} ANN outputs for {runs[0].Length} SNN outputs");
            double variance = 0, bias = 0;
            for (int i = 0; i < annOutputs.Length; i++)
            {
                double mean = 0, m2 = 0;
                for (int r = 0; r < runs.Length; r++) mean += runs[r][i];
                mean /= runs.Length;
                for (int r = 0; r < runs.Length; r++) m2 += (runs[r][i] - mean) * (runs[r][i] - mean);
                variance += m2 / (runs.Length - 1);
                bias += (mean - annOutputs[i]) * (mean - annOutputs[i]);
            }
            double analog = BiasSquared(Outputs(simulator, network, images, count, o with { Input = InputEncoding.Analog }), annOutputs);
            points.Add(new ErrorAtT(t, variance / annOutputs.Length, bias / annOutputs.Length, analog, options.Seeds));
        }
        double slope = Regression.LogLogSlope(points.Select(p => (double)p.Timesteps).ToArray(), points.Select(p => p.Variance).ToArray());

        SaturationShare? share = null;
        if (saturation is { } s)
        {
            ErrorAtT last = points.MaxBy(p => p.Timesteps)!;
            ConversionOptions maxNorm = s.Conversion with { Normalization = NormalizationKind.Max };
            CalibrationStatistics stats = Calibration.Collect(s.FoldedGraph, [(images, count)], count);
            SpikingNetwork reconverted = Converter.Convert(s.FoldedGraph, stats, maxNorm).Network;
            SimulationOptions o = options.Simulation with { Timesteps = last.Timesteps, KeepOutputs = true, Input = InputEncoding.Analog };
            double b = last.AnalogBiasSquared, bMax = BiasSquared(Outputs(simulator, reconverted, images, count, o), annOutputs);
            share = new SaturationShare(last.Timesteps, b, bMax, b > 0 ? Math.Clamp((b - bMax) / b, 0, 1) : 0);
        }
        return new ErrorDecompositionReport(points, slope, share);
    }

    private static float[] Outputs(ISimulator simulator, SpikingNetwork network, float[] images, int count, SimulationOptions options)
    {
        SimulationResult r = simulator.Run(network, [new DataBatch(images, new int[count], count)], options);
        return [.. r.Outputs.SelectMany(o => o)];
    }

    private static double BiasSquared(float[] estimate, float[] ann)
    {
        if (estimate.Length != ann.Length) ThrowHelper.InvalidOption("ann", $"{ann.Length} ANN outputs for {estimate.Length} SNN outputs");
        double sum = 0;
        for (int i = 0; i < ann.Length; i++) sum += (estimate[i] - (double)ann[i]) * (estimate[i] - ann[i]);
        return sum / ann.Length;
    }
}
