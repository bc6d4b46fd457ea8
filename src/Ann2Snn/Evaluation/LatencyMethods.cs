using Ann2Snn.Conversion;

namespace Ann2Snn.Evaluation;

/// <summary>
/// The low-latency methods compared by <see cref="LatencySweep"/> (the names and meanings of <c>bench/lowlatency.sh</c>), each
/// built on a plain conversion's options (the basis: neuron, reset, percentile, … as given; no window):
/// <list type="table">
/// <item><term>plain</term><description>the basis itself: the long-window conversion, no tuning;</description></item>
/// <item><term>fit</term><description>λ fitted per channel to T spike slots, nothing else (signed neurons off);</description></item>
/// <item><term>light</term><description>fit + light layer-wise calibration (biases);</description></item>
/// <item><term>advanced</term><description>fit + advanced calibration (λ factors and biases);</description></item>
/// <item><term>signed</term><description>fit + light calibration + signed neurons;</description></item>
/// <item><term>burst2</term><description>plain with bursts of up to 2 spikes per step;</description></item>
/// <item><term>burst2fit</term><description>fit + light calibration with bursts of 2;</description></item>
/// <item><term>default</term><description>what <c>eval -T T</c> does for a network without quantized clips:
/// <see cref="ConversionOptions.ForWindow"/> for T ≤ <see cref="AutoWindowLimit"/>, plain above (eval also tunes a
/// quantized-clip network at longer windows: <see cref="WindowTuning.TunesByDefault"/>).</description></item>
/// </list>
/// </summary>
public static class LatencyMethods
{
    /// <summary>Longest window the default tunes the conversion for (as <c>eval --timesteps</c> does).</summary>
    public const int AutoWindowLimit = WindowTuning.AutoWindowLimit;

    /// <summary>The plain conversion: the methods' reference for events at matched accuracy.</summary>
    public const string Plain = "plain";

    /// <summary>The names of the built-in methods, in their order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["plain", "fit", "light", "advanced", "signed", "burst2", "burst2fit", "default"];

    /// <summary>The built-in methods on <paramref name="basis"/> (the plain conversion's options; its window is ignored).</summary>
    public static IReadOnlyList<LatencyMethod> All(ConversionOptions basis)
    {
        ArgumentNullException.ThrowIfNull(basis);
        ConversionOptions plain = basis with { Window = null, Calibrate = LayerCalibration.None };
        ConversionOptions Fit(int t, LayerCalibration calibrate) =>
            plain with { Window = t, Normalization = NormalizationKind.ChannelFit, Calibrate = calibrate };
        ConversionOptions Default(int t)
        {
            if (t > AutoWindowLimit) return plain;
            ConversionOptions recipe = ConversionOptions.ForWindow(t);
            return plain with { Window = recipe.Window, Normalization = recipe.Normalization, Calibrate = recipe.Calibrate };
        }
        return
        [
            new("plain", "the long-window conversion (no tuning)", _ => plain),
            new("fit", "λ fitted per channel to T spike slots, nothing else",
                t => Fit(t, LayerCalibration.None) with { SignedSpikes = false }),
            new("light", "fit + light layer-wise calibration (biases)", t => Fit(t, LayerCalibration.Light) with { SignedSpikes = false }),
            new("advanced", "fit + advanced calibration (λ factors and biases)",
                t => Fit(t, LayerCalibration.Advanced) with { SignedSpikes = false }),
            new("signed", "fit + light calibration + signed neurons", t => Fit(t, LayerCalibration.Light) with { SignedSpikes = true }),
            new("burst2", "plain with bursts of up to 2 spikes per step", _ => plain with { Burst = 2 }),
            new("burst2fit", "fit + light calibration with bursts of 2", t => Fit(t, LayerCalibration.Light) with { Burst = 2 }),
            new("default", $"what eval -T T does: the --optimize-for T recipe for T ≤ {AutoWindowLimit}, plain above", Default),
        ];
    }

    /// <summary>
    /// The built-in methods <paramref name="names"/> names, in that order, on <paramref name="basis"/>; an unknown name, a
    /// repeated one or none throws <see cref="InvalidOptionException"/> naming the option 'methods'.
    /// </summary>
    public static IReadOnlyList<LatencyMethod> Select(IEnumerable<string> names, ConversionOptions basis)
    {
        ArgumentNullException.ThrowIfNull(names);
        IReadOnlyList<LatencyMethod> all = All(basis);
        var chosen = new List<LatencyMethod>();
        foreach (string name in names)
        {
            LatencyMethod method = all.FirstOrDefault(m => m.Name == name) ?? throw new InvalidOptionException(
                $"option 'methods': '{name}' is not one of {string.Join(", ", Names)}");
            if (chosen.Contains(method)) ThrowHelper.InvalidOption("methods", $"'{name}' is given twice");
            chosen.Add(method);
        }
        if (chosen.Count == 0) ThrowHelper.InvalidOption("methods", "no method given");
        return chosen;
    }
}
