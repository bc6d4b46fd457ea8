using System.ComponentModel;
using System.Globalization;
using Ann2Snn.Conversion;
using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// Conversion options on the command line (used by convert and export, and by eval/demo/attack/latency/bench when given an ONNX
/// model); the step Δt and the synapses are <see cref="NetworkSettings"/>'.
/// </summary>
public class ConversionSettings : DataSourceSettings
{
    [CommandOption("--calib <DATA>")]
    [Description("Calibration data (training split): mnist | fashion-mnist | PATH. Default: the --data set.")]
    public string? Calib { get; init; }

    [CommandOption("--calib-images <N>")]
    [Description("Calibration images (default 1000).")]
    public int? CalibImages { get; init; }

    [CommandOption("--norm <NORM>")]
    [Description("Normalization: p99.9 (a percentile, the default), max, channel (per-channel percentile, see --percentile), "
        + "fit | channel-fit (λ fitted to the --optimize-for window, per layer | per channel: the default with a window), "
        + "model (weights only).")]
    public string? Norm { get; init; }

    [CommandOption("--percentile <P>")]
    [Description("Percentile for --norm channel (default 99.9).")]
    public double Percentile { get; init; } = 99.9;

    [CommandOption("--scaling <MODE>")]
    [Description("weights (threshold 1) | thresholds (weights in ANN units): the same spike trains.")]
    public string Scaling { get; init; } = "weights";

    [CommandOption("--neuron <KIND>")]
    [Description("Neuron model: if (integrate-and-fire, the default) | lif (leaky); an unknown name lists every model.")]
    public string Neuron { get; init; } = "if";

    [CommandOption("--tau-mem <TIME>")]
    [Description("LIF membrane time constant in the time unit τ of --dt (steps at --dt 1; default 1000).")]
    public float TauMem { get; init; } = 1000f;

    [CommandOption("--v-th <V>")]
    [Description("Firing threshold V_th (default 1): weights scale with V_th − V_rest, so the spikes stay the same; needs --scaling "
        + "weights.")]
    public float VThreshold { get; init; } = 1f;

    [CommandOption("--v-rest <V>")]
    [Description("LIF resting potential V_rest, below V_th (default 0).")]
    public float VRest { get; init; }

    [CommandOption("-r|--resistance <R>")]
    [Description("LIF membrane resistance R (default 1/(1 − e^(−1/τm)), a gain of 1 per τ); weights scale by its inverse.")]
    public float? Resistance { get; init; }

    [CommandOption("--rate-fraction <S>")]
    [Description("Fraction s of f_max that λ maps to, 0 < s ≤ 1 (default 1; 0.8 with --refractory).")]
    public float? RateFraction { get; init; }

    /// <summary>The simulation step Δt the conversion is for (1 unless the command takes --dt, <see cref="NetworkSettings"/>).</summary>
    protected virtual float StepLength => 1f;

    [CommandOption("--reset <MODE>")]
    [Description("subtract | zero.")]
    public string Reset { get; init; } = "subtract";

    [CommandOption("--refractory <STEPS>")]
    [Description("Absolute refractory period in steps (default 0).")]
    public int Refractory { get; init; }

    [CommandOption("--v-init <FRACTION>")]
    [Description("Initial membrane potential as a fraction of the threshold (default 0.5).")]
    public float VInit { get; init; } = 0.5f;

    [CommandOption("--maxpool <SCHEME>")]
    [Description("wta (winner-take-all with an inhibitory interneuron) | gate (spike gating).")]
    public string MaxPool { get; init; } = "wta";

    [CommandOption("--input <ENCODING>")]
    [Description("analog (constant current, default) | poisson (seeded spike trains) | ttfs (time-to-first-spike: one spike per neuron). "
        + "convert stores it as the network's default.")]
    public string? Input { get; init; }

    public Snn.InputEncoding? InputEncodingOption() => Input is null ? null : InputEncodingMetadata.Parse(Input, "--input");

    [CommandOption("--readout <KIND>")]
    [Description("membrane (non-spiking accumulators, default) | count (spiking output).")]
    public string Readout { get; init; } = "membrane";

    [CommandOption("--signed <MODE>")]
    [Description("Signed IF neurons (a spike fired too early is taken back by a −1 spike): auto (default: on for residual networks) "
        + "| on | off.")]
    public string Signed { get; init; } = "auto";

    [CommandOption("--optimize-for <T>")]
    [Description("Tune the conversion for an observation window of T steps: λ fitted per channel to T spike slots, signed neurons "
        + "if they measure better, advanced layer-wise calibration (each overridable). eval does it for --timesteps ≤ 32 unless "
        + "given 'none'.")]
    public string? OptimizeFor { get; init; }

    /// <summary>The window --optimize-for names: null for none given, 0 for 'none'; anything else exits 2 naming the option.</summary>
    public int? Window()
    {
        if (OptimizeFor is null) return null;
        if (OptimizeFor == "none") return 0;
        return int.TryParse(OptimizeFor, NumberStyles.None, CultureInfo.InvariantCulture, out int t) && t >= 1
            && t <= ConversionOptions.MaxWindow
            ? t
            : Bad<int>("--optimize-for", OptimizeFor, $"a whole number of steps in 1..{ConversionOptions.MaxWindow:N0}, or none");
    }

    [CommandOption("--calibrate <LEVEL>")]
    [Description("Layer-wise calibration at the --optimize-for window: none | light (biases) | advanced (thresholds and biases).")]
    public string? Calibrate { get; init; }

    [CommandOption("--burst <B>")]
    [Description("Burst spikes: a neuron may emit up to B spikes in one step, and λ maps to B spikes per step, so T steps resolve "
        + "T·B levels (default 1; needs --reset subtract, no --refractory, unsigned neurons; not for the ttfs backend).")]
    public string Burst { get; init; } = "1";

    [CommandOption("--recurrent-delay <STEPS>")]
    [Description("Recurrent models: the conduction delay of the recurrent synapses in steps (default: one window per element, "
        + "so element t − 1's state arrives during element t's window).")]
    public int? RecurrentDelay { get; init; }

    [CommandOption("--recurrent-burst <B>")]
    [Description("Recurrent models: graded spikes of the recurrent populations, up to B a step, so a window of W steps per "
        + "element resolves W·B levels of the state (default: the least B with W·B ≥ 256 where bursts are possible).")]
    public string? RecurrentBurst { get; init; }

    [CommandOption("--operand-burst <B>")]
    [Description("Transformers: graded spikes of the signed populations that feed operators, up to B a step of either sign "
        + "(default: the least B with T·B ≥ 32 when tuned for a window T, else 1).")]
    public string? OperandBurst { get; init; }

    [CommandOption("--window-start <MODE>")]
    [Description("Recurrent models: what membranes keep when an element's window starts: residue (clamped to [[V_reset, V_th]], "
        + "the quantization remainder carries on; default) | rest (back to V(0)) | carry (unchanged).")]
    public string WindowStartMode { get; init; } = "residue";

    [CommandOption("--weight-bits <K>")]
    [Description("Quantize the weights to K-bit signed integers (2..16) for chips, rounding to nearest; thresholds are rescaled "
        + "(see --weight-scale). Default: float32 weights.")]
    public string? WeightBits { get; init; }

    [CommandOption("--weight-scale <MODE>")]
    [Description("Quantization scale: layer (one per population: integer weights, thresholds divided by it; default) | channel "
        + "(one per output channel).")]
    public string WeightScaleMode { get; init; } = "layer";

    /// <summary>--weight-bits as a number in 2..16, or null; anything else exits 2 naming the option.</summary>
    public int? WeightBitsOption()
    {
        if (WeightBits is null) return null;
        if (!int.TryParse(WeightBits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int k)
            || k is < WeightQuantization.MinBits or > WeightQuantization.MaxBits)
        {
            throw new InvalidOptionException($"option '--weight-bits': '{ThrowHelper.Printable(WeightBits, 40)}' is not a whole number "
                + $"in {WeightQuantization.MinBits}..{WeightQuantization.MaxBits}");
        }
        return k;
    }

    public WeightScale WeightScaleOption() => WeightScaleMode switch
    {
        "layer" => WeightScale.PerLayer,
        "channel" => WeightScale.PerChannel,
        _ => Bad<WeightScale>("--weight-scale", WeightScaleMode, "layer, channel"),
    };

    /// <summary>--burst as a whole number (parsed here, so that a fraction is named like any other bad value).</summary>
    private static int BurstLimit(string option, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int b)
            ? b
            : throw new InvalidOptionException($"option '{option}': '{value}' is not a whole number (1..{NeuronParameters.MaxBurstLimit})");

    /// <summary>The calibration set (training split of --calib, else of --data), or none for weight-only normalization.</summary>
    /// <remarks>An explicit --calib-images larger than the set exits 2 (the default takes what there is, up to 1000).</remarks>
    public Ann2Snn.Data.IDataset? OpenCalibration(ConversionOptions options)
    {
        if (!options.Normalization.NeedsCalibration()) return null;
        Ann2Snn.Data.IDataset set = Open(Calib ?? Data, Ann2Snn.Data.DatasetSplit.Train);
        if (CalibImages is { } asked && set.Count < asked)
        {
            throw new InvalidOptionException(
                $"option '--calib-images': {asked:N0} images asked, but {set.Description} holds {set.Count:N0}");
        }
        return set;
    }

    /// <param name="defaultWindow">The window to tune for when --optimize-for is not given (eval's short --timesteps).</param>
    public ConversionOptions ToConversionOptions(int? defaultWindow = null)
    {
        int? window = Window() switch
        {
            0 => null,
            { } t => t,
            null => defaultWindow,
        };
        if (!(Percentile > 0 && Percentile <= 100))
        {
            // Checked here too: with --norm pP the norm's percentile wins, and a bad --percentile would pass unnoticed.
            throw new InvalidOptionException($"option '--percentile': {Percentile} is outside (0, 100]");
        }
        var o = new ConversionOptions
        {
            Scaling = Scaling switch
            {
                "weights" => ScalingMode.Weights,
                "thresholds" => ScalingMode.Thresholds,
                _ => Bad<ScalingMode>("--scaling", Scaling, "weights, thresholds")
            },
            Neuron = NeuronModels.Find(Neuron) ?? Bad<NeuronModel>("--neuron", Neuron, NeuronModels.Names),
            Reset = Reset switch
            {
                "subtract" => ResetMode.BySubtraction,
                "zero" => ResetMode.ToZero,
                _ => Bad<ResetMode>("--reset", Reset, "subtract, zero")
            },
            MaxPool = MaxPool switch
            {
                "wta" => MaxPoolScheme.WinnerTakeAll,
                "gate" => MaxPoolScheme.Gate,
                _ => Bad<MaxPoolScheme>("--maxpool", MaxPool, "wta, gate")
            },
            Readout = Readout switch
            {
                "membrane" => ReadoutKind.Membrane,
                "count" => ReadoutKind.SpikeCount,
                _ => Bad<ReadoutKind>("--readout", Readout, "membrane, count")
            },
            TauMem = TauMem,
            Dt = StepLength,
            VThreshold = VThreshold,
            VRest = VRest,
            Resistance = Resistance,
            RateFraction = RateFraction,
            RefractorySteps = Refractory,
            InitialFraction = VInit,
            CalibrationImages = CalibImages ?? new ConversionOptions().CalibrationImages,
            Window = window,
            Calibrate = Calibrate switch
            {
                null => window is null ? LayerCalibration.None : LayerCalibration.Advanced,
                "none" => LayerCalibration.None,
                "light" => LayerCalibration.Light,
                "advanced" => LayerCalibration.Advanced,
                _ => Bad<LayerCalibration>("--calibrate", Calibrate, "none, light, advanced")
            },
            Percentile = Percentile,
            Burst = BurstLimit("--burst", Burst),
            RecurrentBurst = RecurrentBurst is null ? null : BurstLimit("--recurrent-burst", RecurrentBurst),
            OperandBurst = OperandBurst is null ? null : BurstLimit("--operand-burst", OperandBurst),
            RecurrentDelay = RecurrentDelay,
            WindowStart = WindowStartMode switch
            {
                "residue" => WindowStart.Residue,
                "rest" => WindowStart.Rest,
                "carry" => WindowStart.Carry,
                _ => Bad<WindowStart>("--window-start", WindowStartMode, "residue, rest, carry"),
            },
            WeightBits = WeightBitsOption(),
            WeightScale = WeightScaleOption(),
            SignedSpikes = Signed switch
            {
                "auto" => null,
                "on" => true,
                "off" => false,
                _ => Bad<bool?>("--signed", Signed, "auto, on, off")
            },
        };
        string norm = Norm ?? (window is null ? "p99.9" : "channel-fit");
        o = norm switch
        {
            "max" => o with { Normalization = NormalizationKind.Max },
            "model" => o with { Normalization = NormalizationKind.Model },
            "channel" => o with { Normalization = NormalizationKind.ChannelWise },
            "fit" => o with { Normalization = NormalizationKind.Fit },
            "channel-fit" => o with { Normalization = NormalizationKind.ChannelFit },
            _ when norm.StartsWith('p')
                && double.TryParse(norm.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out double p) =>
                p > 0 && p <= 100 ? o with { Normalization = NormalizationKind.Percentile, Percentile = p }
                    : Bad<ConversionOptions>("--norm", norm, "percentiles p in (0, 100]"),
            _ => Bad<ConversionOptions>("--norm", norm, "pP (e.g. p99.99), max, channel, fit, channel-fit, model"),
        };
        try
        {
            o.Validate();
        }
        catch (InvalidOptionException e)
        {
            throw OptionNames.Dashed(e);
        }
        return o;
    }

    /// <summary>
    /// Runs <paramref name="work"/>, giving the options the library names without dashes ('eps', 'at', 'ann') the dashes they
    /// have on the command line.
    /// </summary>
    internal static T WithDashes<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (InvalidOptionException e) when (OptionNames.Dashed(e) != e)
        {
            throw OptionNames.Dashed(e);
        }
    }

    internal static T Bad<T>(string option, string value, string allowed) =>
        throw new InvalidOptionException($"option '{option}': '{value}' is not one of {allowed}");
}
