using System.Globalization;
using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;

namespace Ann2Snn.Conversion;

/// <summary>
/// Tunes a conversion for an observation window of T steps (<see cref="ConversionOptions.Window"/>, <c>--optimize-for T</c>)
/// on the calibration images, and says what it chose and why (<see cref="ConversionResult.Choices"/>):
/// <list type="number">
/// <item>λ as the options say — for the recipe (<see cref="ConversionOptions.ForWindow"/>) fitted per channel to T spike slots;</item>
/// <item>signed neurons, when the options leave them to the converter and the network has no residual connection (where
/// they are on anyway): the network is calibrated with and without them and simulated on the images; they are kept when they
/// cut the output error against the ANN's logits by at least <see cref="SignedGain"/> (they cost synaptic events);</item>
/// <item>layer-wise calibration (<see cref="LayerwiseCalibration"/>) at T, as the options say.</item>
/// </list>
/// </summary>
public static class WindowTuning
{
    /// <summary>
    /// Relative cut of the output error signed neurons must bring to be chosen: they take back early spikes with −1 spikes
    /// and cost extra synaptic events, and the error is measured on the images calibration fitted, so only a clear gain
    /// counts — the error halved. Measured: fmnist_vgg at T = 8 cuts it 3× (and gains 1.1 pp on the test set), mnist_lenet_bn
    /// at T = 8 by 18 % (and loses 0.13 pp on the test set against advanced calibration without them).
    /// </summary>
    public const double SignedGain = 0.5;

    /// <summary>Longest window for which a conversion is tuned by default (<see cref="TunesByDefault"/>).</summary>
    public const int AutoWindowLimit = 32;

    /// <summary>
    /// Whether a conversion of <paramref name="graph"/> for <paramref name="timesteps"/> steps is tuned for that window when the
    /// user does not say: for short windows (≤ <see cref="AutoWindowLimit"/>), and at every T other than their L levels for a
    /// network with quantized clips, whose plain conversion is exact only at T = L and tends to the unquantized network as T
    /// grows (mnist_lenet_qcfs at T = 64: 99.03 % plain, 99.18 % tuned, ANN 99.12 %). A network with spike-equivalent operators
    /// (a Transformer) too: on the zoo ViT at T = 8 the search takes well under a minute and closes most of the gap
    /// (docs/transformers.md).
    /// </summary>
    public static bool TunesByDefault(ModelGraph graph, int timesteps)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return timesteps <= AutoWindowLimit || graph.Nodes.Any(n => n is QuantizedClipNode { Levels: { } l } && l != timesteps);
    }

    /// <summary>Metadata key of a tuned network: the window it was tuned for.</summary>
    public const string WindowKey = "optimized_for";

    /// <summary>Metadata key of a tuned network: its layer-wise calibration.</summary>
    public const string CalibrationKey = "layer_calibration";

    public static ConversionResult Run(ModelGraph prepared, CalibrationStatistics? stats, ConversionOptions options,
        IReadOnlyList<string> passes, float[] images, int count, AnnExecutorOptions? executorOptions = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Window is not { } window) throw new InvalidOptionException("option 'optimize-for': no window to tune for");
        var calibration = new LayerwiseCalibration(prepared, stats, passes, images, count, window, executorOptions);
        var choices = new List<string>
        {
            $"window: T = {window}; tuned on {count:N0} calibration images (agreement = their share where the SNN's class is the ANN's)",
            $"λ: {Describe(options)}",
        };
        ConversionOptions chosen = options;
        bool residual = options.UseSignedSpikes(prepared);
        // Graded spikes of a recurrent population are unsigned: its resolution is measured to matter more (docs/recurrent.md).
        bool graded = prepared.Nodes.Any(n => n is RecurrentNode)
            && options.RecurrentBurstFor(options.SequenceWindow ?? window) > 1;
        if (options.SignedSpikes is null && !residual && options.Burst == 1 && !graded
            && NeuronParameters.AllowsSignedSpikes(options.Neuron, options.Reset, options.RefractorySteps))
        {
            ConversionOptions probe = options with
            {
                Calibrate = options.Calibrate == LayerCalibration.None ? LayerCalibration.None : LayerCalibration.Light,
            };
            WindowAgreement off = calibration.Measure(calibration.Calibrate(probe with { SignedSpikes = false }));
            WindowAgreement on = calibration.Measure(calibration.Calibrate(probe with { SignedSpikes = true }));
            bool signed = on.OutputError < (1 - SignedGain) * off.OutputError;
            chosen = options with { SignedSpikes = signed };
            choices.Add($"signed neurons: {(signed ? "on" : "off")} — with {probe.Calibrate.ToString().ToLowerInvariant()} calibration, "
                + $"output error {on.OutputError:G3} with them, {off.OutputError:G3} without; agreement {on.Agreement:P2} / "
                + $"{off.Agreement:P2}; synaptic events per image {on.SynapticEvents:N0} / {off.SynapticEvents:N0}"
                + (signed ? "" : $" (kept only for a cut of ≥ {SignedGain:P0} in the error)"));
        }
        else
        {
            string why = options.SignedSpikes is not null ? "as asked"
                : residual ? (prepared.Nodes.Any(Converter.IsLeaky)
                    ? "the network has LeakyRelu or PRelu: signed neurons with a negative branch"
                    : "the network has residual connections or quantized clips")
                : options.Burst > 1 ? "burst spikes are unsigned"
                : graded ? "the recurrent population's graded spikes are unsigned"
                : "the neuron model does not allow them";
            choices.Add($"signed neurons: {(chosen.UseSignedSpikes(prepared) ? "on" : "off")} ({why})");
        }
        ConversionResult plain = calibration.Calibrate(chosen with { Calibrate = LayerCalibration.None });
        WindowAgreement before = calibration.Measure(plain);
        ConversionResult result = chosen.Calibrate == LayerCalibration.None ? plain : calibration.Calibrate(chosen);
        if (chosen.Calibrate != LayerCalibration.None)
        {
            WindowAgreement after = calibration.Measure(result);
            string factors = result.Adjustments.LambdaFactors.Count == 0
                ? ""
                : "; λ factors " + string.Join(", ", result.Adjustments.LambdaFactors.Select(kv =>
                    $"{kv.Key} ×{kv.Value.ToString("0.##", CultureInfo.InvariantCulture)}"));
            choices.Add($"layer-wise calibration: {chosen.Calibrate.ToString().ToLowerInvariant()} — "
                + $"output error {before.OutputError:G3} → "
                + $"{after.OutputError:G3}, agreement {before.Agreement:P2} → {after.Agreement:P2}{factors}");
        }
        else
        {
            choices.Add($"layer-wise calibration: none — output error {before.OutputError:G3}, agreement {before.Agreement:P2}");
        }
        var metadata = new Dictionary<string, string>(result.Network.Metadata)
        {
            [WindowKey] = window.ToString(CultureInfo.InvariantCulture),
            [CalibrationKey] = chosen.Calibrate.ToString().ToLowerInvariant(),
        };
        var network = new Snn.SpikingNetwork(result.Network.Name, result.Network.InputShape, result.Network.Layers, metadata);
        return result with { Network = network, Choices = choices };
    }

    private static string Describe(ConversionOptions o) => o.Normalization switch
    {
        NormalizationKind.ChannelFit => $"per channel, fitted to {o.Window} spike slots (least quantization and clipping error)",
        NormalizationKind.Fit => $"per layer, fitted to {o.Window} spike slots (least quantization and clipping error)",
        NormalizationKind.Percentile => $"per layer, percentile {o.Percentile.ToString(CultureInfo.InvariantCulture)}",
        NormalizationKind.ChannelWise => $"per channel, percentile {o.Percentile.ToString(CultureInfo.InvariantCulture)}",
        _ => o.Normalization.ToString().ToLowerInvariant(),
    };
}
