using Ann2Snn.Neurons;
using Ann2Snn.Snn;

namespace Ann2Snn.Conversion;

/// <summary>Options of the ANN→SNN conversion. Options choose the algorithm, never the order of the stages.</summary>
public sealed record ConversionOptions
{
    public NormalizationKind Normalization { get; init; } = NormalizationKind.Percentile;

    /// <summary>
    /// Percentile p ∈ (0, 100] for <see cref="NormalizationKind.Percentile"/> and <see cref="NormalizationKind.ChannelWise"/>.
    /// The default 99.9 was chosen by measurement on mnist_lenet_bn (full test set, analog input, T = 1…256): 99.99 loses
    /// 1.6 pp at T = 16 (rates too low), 99.5 and below clip enough that accuracy falls as T grows past 64.
    /// </summary>
    public double Percentile { get; init; } = 99.9;

    public ScalingMode Scaling { get; init; } = ScalingMode.Weights;

    /// <summary>The neuron model of every population (one of <see cref="NeuronModels.All"/>).</summary>
    public NeuronModel Neuron { get; init; } = NeuronModels.If;

    public ResetMode Reset { get; init; } = ResetMode.BySubtraction;

    /// <summary>Initial membrane potential as a fraction of the threshold: 0.5 centres the quantization error of the spike count.</summary>
    public float InitialFraction { get; init; } = 0.5f;

    /// <summary>Membrane time constant in steps of the models with a leak (LIF; ignored for IF).</summary>
    public float TauMem { get; init; } = 1000f;

    /// <summary>Absolute refractory period in steps; f_max = 1/(τ_ref + 1) spikes per step.</summary>
    public int RefractorySteps { get; init; }

    /// <summary>
    /// λ is mapped to this fraction of f_max (default 1 without refractory period, where rate 1 is one spike per step; use 0.8 with one).
    /// </summary>
    public float? RateFraction { get; init; }

    public MaxPoolScheme MaxPool { get; init; } = MaxPoolScheme.WinnerTakeAll;

    /// <summary>
    /// Signed IF neurons (<see cref="NeuronParameters.SignedSpikes"/>): a neuron that fired on an early burst of input
    /// takes the spike back with a −1 spike when its membrane goes negative. Needs IF, reset by subtraction, no refractory period.
    /// Null (the default) chooses by measurement: on for networks with residual connections (mnist_resnet_mini: 47.3 % → 99.27 %
    /// at T = 64) and for quantized-clip (QCFS) networks, which are run at T ≈ L where a spike fired too early is a whole level
    /// (mnist_lenet_qcfs at T = 8: 95.42 % → 99.19 %, ANN 99.12 %, for 1.11× the events); off otherwise (on mnist_lenet_bn
    /// they cost 1.2× the synaptic events and make accuracy non-monotone in T). Always on for networks with LeakyRelu or
    /// PRelu inside: those become signed neurons with a negative branch, and conversion refuses them without signed spikes.
    /// </summary>
    public bool? SignedSpikes { get; init; }

    /// <summary>
    /// Whether populations get signed neurons for <paramref name="graph"/>: the explicit choice, or on when it has residual Add
    /// nodes, quantized clips, LeakyRelu or PRelu and the neuron allows it.
    /// </summary>
    public bool UseSignedSpikes(Graph.ModelGraph graph) =>
        SignedSpikes ?? (graph.Nodes.Any(n => n is Graph.AddNode or Graph.QuantizedClipNode || Converter.IsLeaky(n))
            && NeuronParameters.AllowsSignedSpikes(Neuron, Reset, RefractorySteps) && Burst == 1);

    /// <summary>
    /// Burst limit B of every population (<see cref="NeuronParameters.BurstLimit"/>; 1 = one spike per step, the default).
    /// With B &gt; 1 the threshold stands for λ/(s·B): λ maps to B spikes per step, so a window of T steps resolves T·B levels
    /// of an activation (Li &amp; Zeng 2022) at the cost of k synaptic events per burst of k. Needs reset by subtraction, no
    /// refractory period and unsigned spikes (signed spikes are then off by default).
    /// </summary>
    public int Burst { get; init; } = 1;

    public ReadoutKind Readout { get; init; } = ReadoutKind.Membrane;

    /// <summary>
    /// Quantize the converted network's weights to k-bit signed integers (2…16, <see cref="WeightQuantization"/>), the last
    /// stage of the conversion; null (the default) keeps float32 weights.
    /// </summary>
    public int? WeightBits { get; init; }

    /// <summary>The scale shared by quantized weights: one per population (the default) or one per output channel.</summary>
    public WeightScale WeightScale { get; init; } = WeightScale.PerLayer;

    /// <summary>
    /// The observation window T (steps) the conversion is tuned for, or null for none (a network for any T). The fitted
    /// normalizations (<see cref="NormalizationKind.Fit"/>, <see cref="NormalizationKind.ChannelFit"/>) need it.
    /// </summary>
    public int? Window { get; init; }

    /// <summary>
    /// The options that tune a conversion for a window of <paramref name="timesteps"/> steps (<c>--optimize-for T</c>): λ fitted
    /// per channel to T spike slots, advanced layer-wise calibration, and signed neurons left to measurement
    /// (<see cref="WindowTuning"/>). Chosen by measurement on the zoo (docs/conversion.md, "Short windows").
    /// </summary>
    public static ConversionOptions ForWindow(int timesteps) => new()
    {
        Window = timesteps,
        Normalization = NormalizationKind.ChannelFit,
        Calibrate = LayerCalibration.Advanced,
    };

    /// <summary>Layer-wise calibration at the <see cref="Window"/> on the calibration images (needs a window).</summary>
    public LayerCalibration Calibrate { get; init; }

    /// <summary>Largest <see cref="Window"/> accepted (the simulators' limit on T).</summary>
    public const int MaxWindow = 1_000_000;

    /// <summary>Number of calibration images.</summary>
    public int CalibrationImages { get; init; } = 1000;

    public float EffectiveRateFraction => RateFraction ?? (RefractorySteps > 0 ? 0.8f : 1f);

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when a value is outside its domain.</summary>
    public void Validate()
    {
        if (Neuron is null) ThrowHelper.InvalidOption("neuron", "no neuron model is set");
        if (!(Percentile > 0 && Percentile <= 100)) ThrowHelper.InvalidOption("percentile", $"{Percentile} is outside (0, 100]");
        if (!(InitialFraction >= 0 && InitialFraction < 1)) ThrowHelper.InvalidOption("v-init", $"{InitialFraction} is outside [0, 1)");
        if (!(TauMem > 0)) ThrowHelper.InvalidOption("tau-mem", $"{TauMem} must be positive");
        if (RefractorySteps < 0) ThrowHelper.InvalidOption("refractory", $"{RefractorySteps} must not be negative");
        if (RateFraction is { } f && !(f > 0 && f <= 1)) ThrowHelper.InvalidOption("rate-fraction", $"{f} is outside (0, 1]");
        if (SignedSpikes == true && !NeuronParameters.AllowsSignedSpikes(Neuron, Reset, RefractorySteps))
        {
            ThrowHelper.InvalidOption("signed", "signed spikes need IF neurons with reset by subtraction and no refractory period");
        }
        if (Window is { } w && (w <= 0 || w > MaxWindow)) ThrowHelper.InvalidOption("optimize-for",
            $"T = {w} is outside 1..{MaxWindow:N0}");
        if (Normalization is NormalizationKind.Fit or NormalizationKind.ChannelFit && Window is null)
        {
            ThrowHelper.InvalidOption("norm", $"{Normalization} normalization fits λ to a window: give the window (--optimize-for T)");
        }
        if (Calibrate != LayerCalibration.None && Window is null)
        {
            ThrowHelper.InvalidOption("calibrate", "layer-wise calibration tunes the network for a window: give it (--optimize-for T)");
        }
        if (Burst is < 1 or > NeuronParameters.MaxBurstLimit) ThrowHelper.InvalidOption("burst",
            $"{Burst} is outside 1..{NeuronParameters.MaxBurstLimit}");
        if (Burst > 1 && (Reset != ResetMode.BySubtraction || RefractorySteps > 0 || SignedSpikes == true))
        {
            ThrowHelper.InvalidOption("burst", "burst spikes need reset by subtraction, no refractory period and unsigned spikes");
        }
        if (CalibrationImages <= 0) ThrowHelper.InvalidOption("calib-images", $"{CalibrationImages} must be positive");
        if (WeightBits is { } k) WeightQuantization.CheckBits(k);
    }
}
