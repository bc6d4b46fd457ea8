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

    /// <summary>
    /// Membrane time constant τm of the models with a leak (LIF; ignored for IF), in the time unit τ of <see cref="Dt"/> (steps
    /// at the default Δt = 1).
    /// </summary>
    public float TauMem { get; init; } = 1000f;

    /// <summary>
    /// Simulation step Δt in units of the neuron's time constant τ, the time in which a neuron at λ fires s spikes (s the
    /// <see cref="EffectiveRateFraction"/>): a converted neuron fires at rate a·s/(λ·τ) in continuous time, s·Δt·a/λ spikes per
    /// step, so Δt ∈ (0, 1] keeps the rate code below one spike per step, and Δt → 0 approaches the continuous-time network
    /// (M6). The neuron's input gain per step is Δt (IF) or R·(1 − e^(−Δt/τm)) (LIF, R fixed at Δt = 1); the default 1 is the
    /// usual one-step-per-τ network. The refractory period stays in steps.
    /// </summary>
    public float Dt { get; init; } = 1f;

    /// <summary>
    /// Firing threshold V_th of every population with weight scaling (default 1): weights and biases are scaled by
    /// V_th − V_rest, so the spikes are the same for any V_th; with threshold scaling the thresholds are λ/s and this stays 1.
    /// </summary>
    public float VThreshold { get; init; } = 1f;

    /// <summary>Resting (and reset-to-zero) potential V_rest of the models with a leak (LIF; default 0), below V_th.</summary>
    public float VRest { get; init; }

    /// <summary>
    /// Membrane resistance R of the models with a leak (LIF); null (the default) takes R = 1/(1 − e^(−1/τm)), a per-step gain of
    /// 1 at Δt = 1. Any other R scales the synaptic weights by the inverse ratio, so the rates, not the currents, stay the same.
    /// </summary>
    public float? Resistance { get; init; }

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

    /// <summary>
    /// A recurrent model: the steps W each sequence element is presented for (the window per element; a run lasts L·W steps).
    /// Null: the <see cref="Window"/>, which a recurrent model then needs. The evaluation sets it to its T.
    /// </summary>
    public int? SequenceWindow { get; init; }

    /// <summary>
    /// A recurrent model: the conduction delay Δ of the recurrent synapses in steps; null for one window (Δ = W), so that the
    /// state of element t − 1 arrives, whole, during element t's window (docs/recurrent.md compares the alternatives).
    /// </summary>
    public int? RecurrentDelay { get; init; }

    /// <summary>A recurrent model: what membranes keep when an element's window starts (<see cref="Snn.WindowStart"/>).</summary>
    public WindowStart WindowStart { get; init; }

    /// <summary>
    /// A recurrent model: the burst limit B of its recurrent populations (graded spikes of up to B a step, as Loihi 2's
    /// graded spikes carry), so that an element's window of W steps resolves W·B levels of the state. Null (the default):
    /// the least B with W·B ≥ <see cref="RecurrentLevels"/> where the neurons allow bursts (reset by subtraction, no
    /// refractory period, unsigned), else <see cref="Burst"/>. The recurrence amplifies each element's rounding error through
    /// every later element, so its resolution decides the accuracy (docs/recurrent.md measures B = 1, 2, 4, 8).
    /// </summary>
    public int? RecurrentBurst { get; init; }

    /// <summary>The levels per element a recurrent population resolves by default: W·B ≥ this (<see cref="RecurrentBurst"/>).</summary>
    public const int RecurrentLevels = 256;

    /// <summary>
    /// A network with spike-equivalent operators (a Transformer): the burst limit B of the signed populations that carry an
    /// operator's operand (graded spikes of up to B a step, either sign), so that a window of T steps resolves T·B levels of
    /// the operand. Null (the default): the least B with T·B ≥ <see cref="OperandLevels"/> when tuned for a window T, else 1.
    /// The operators' MACs dominate such a network's energy, so the extra spikes cost little (docs/transformers.md).
    /// </summary>
    public int? OperandBurst { get; init; }

    /// <summary>The levels an operand population resolves by default when tuned for a window: T·B ≥ this.</summary>
    public const int OperandLevels = 32;

    /// <summary>The burst limit of an operand population (<see cref="OperandBurst"/>).</summary>
    public int OperandBurstFor() =>
        OperandBurst ?? (SignedBurstsAllowed && Window is { } t ? LeastBurst(OperandLevels, t, 1) : 1);

    /// <summary>The burst limit of a recurrent population presented each element for <paramref name="window"/> steps.</summary>
    public int RecurrentBurstFor(int window) =>
        RecurrentBurst ?? (BurstsAllowed ? LeastBurst(RecurrentLevels, window, Burst) : Burst);

    /// <summary>The least B ≥ <paramref name="least"/> with <paramref name="window"/>·B ≥ <paramref name="levels"/>.</summary>
    private static int LeastBurst(int levels, int window, int least) =>
        Math.Clamp((levels + window - 1) / window, least, NeuronParameters.MaxBurstLimit);

    /// <summary>Layer-wise calibration at the <see cref="Window"/> on the calibration images (needs a window).</summary>
    public LayerCalibration Calibrate { get; init; }

    /// <summary>Largest <see cref="Window"/> accepted (the simulators' limit on T).</summary>
    public const int MaxWindow = 1_000_000;

    /// <summary>Number of calibration images.</summary>
    public int CalibrationImages { get; init; } = 1000;

    /// <summary>
    /// The parameters of a converted population of threshold <paramref name="threshold"/> (<see cref="NeuronModel.ForConversion"/>
    /// with this Δt, V_rest and R); reset, refractory period, V(0), signed spikes and bursts are the converter's to set.
    /// </summary>
    public NeuronParameters ConvertedNeuron(float threshold)
    {
        NeuronParameters p = Neuron.ForConversion(threshold, TauMem);
        return Neuron.Name == NeuronModels.If.Name ? p with { Dt = Dt }
            : p with { Dt = Dt, VRest = VRest, Resistance = Resistance ?? p.Resistance };
    }

    /// <summary>
    /// The current, in the neurons' units, that one rate unit (λ/s in ANN units) becomes with weight scaling:
    /// (V_th − V_rest)·g₁/g, where g is the input gain per unit time at Δt = 1 of <see cref="ConvertedNeuron"/> and g₁ that of
    /// the default R, so that V_th, V_rest and R change the weights and not the spikes. 1 with the defaults.
    /// </summary>
    public float CurrentPerRate
    {
        get
        {
            NeuronParameters p = ConvertedNeuron(VThreshold) with { Dt = 1f };
            NeuronParameters reference = Neuron.ForConversion(VThreshold, TauMem);
            return (VThreshold - p.ResetPotential) * reference.InputGain / p.InputGain;
        }
    }

    public float EffectiveRateFraction => RateFraction ?? (RefractorySteps > 0 ? 0.8f : 1f);

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when a value is outside its domain.</summary>
    public void Validate()
    {
        if (Neuron is null) ThrowHelper.InvalidOption("neuron", "no neuron model is set");
        if (!(Percentile > 0 && Percentile <= 100)) ThrowHelper.InvalidOption("percentile", $"{Percentile} is outside (0, 100]");
        if (!(InitialFraction >= 0 && InitialFraction < 1)) ThrowHelper.InvalidOption("v-init", $"{InitialFraction} is outside [0, 1)");
        if (!(TauMem > 0) || !float.IsFinite(TauMem)) ThrowHelper.InvalidOption("tau-mem", $"{TauMem} must be positive and finite");
        if (!(Dt > 0 && Dt <= 1)) ThrowHelper.InvalidOption("dt", $"Δt = {Dt} is outside (0, 1] (units of the time constant τ)");
        if (Neuron.Name != NeuronModels.If.Name && Dt > TauMem)
        {
            ThrowHelper.InvalidOption("dt", $"Δt = {Dt} is longer than the membrane time constant τm = {TauMem}");
        }
        if (!(VThreshold > 0) || !float.IsFinite(VThreshold))
        {
            ThrowHelper.InvalidOption("v-th", $"V_th = {VThreshold} must be positive and finite");
        }
        if (!float.IsFinite(VRest) || VRest >= VThreshold)
        {
            ThrowHelper.InvalidOption("v-rest", $"V_rest = {VRest} must be finite and below V_th = {VThreshold}");
        }
        if (Resistance is { } r && (!(r > 0) || !float.IsFinite(r)))
        {
            ThrowHelper.InvalidOption("resistance", $"R = {r} must be positive and finite");
        }
        if (Scaling == ScalingMode.Thresholds && (VThreshold != 1f || VRest != 0f || Resistance is not null))
        {
            ThrowHelper.InvalidOption("v-th", "threshold scaling sets the thresholds to λ/s: V_th, V_rest and R need weight scaling");
        }
        if (RefractorySteps < 0) ThrowHelper.InvalidOption("refractory", $"{RefractorySteps} must not be negative");
        if (RateFraction is { } f && !(f > 0 && f <= 1)) ThrowHelper.InvalidOption("rate-fraction", $"{f} is outside (0, 1]");
        if (SignedSpikes == true && !NeuronParameters.AllowsSignedSpikes(Neuron, Reset, RefractorySteps))
        {
            ThrowHelper.InvalidOption("signed", "signed spikes need IF neurons with reset by subtraction and no refractory period");
        }
        if (Window is { } w && (w <= 0 || w > MaxWindow)) ThrowHelper.InvalidOption("optimize-for",
            $"T = {w} is outside 1..{MaxWindow:N0}");
        if (SequenceWindow is { } sw && (sw <= 0 || sw > MaxWindow)) ThrowHelper.InvalidOption("timesteps",
            $"a window of {sw} steps per sequence element is outside 1..{MaxWindow:N0}");
        if (RecurrentDelay is { } d && (d <= 0 || d > Projection.MaxDelay)) ThrowHelper.InvalidOption("recurrent-delay",
            $"Δ = {d} steps is outside 1..{Projection.MaxDelay:N0}");
        if (Normalization is NormalizationKind.Fit or NormalizationKind.ChannelFit && Window is null)
        {
            ThrowHelper.InvalidOption("norm", $"{Normalization} normalization fits λ to a window: give the window (--optimize-for T)");
        }
        if (Calibrate != LayerCalibration.None && Window is null)
        {
            ThrowHelper.InvalidOption("calibrate", "layer-wise calibration tunes the network for a window: give it (--optimize-for T)");
        }
        CheckBurst("burst", Burst);
        if (RecurrentBurst is { } rb) CheckBurst("recurrent-burst", rb);
        if (OperandBurst is { } ob) CheckBurst("operand-burst", ob, signed: true);
        if (CalibrationImages <= 0) ThrowHelper.InvalidOption("calib-images", $"{CalibrationImages} must be positive");
        if (WeightBits is { } k) WeightQuantization.CheckBits(k);
    }

    /// <summary>Whether signed neurons can emit bursts: reset by subtraction, no refractory period.</summary>
    private bool SignedBurstsAllowed => Reset == ResetMode.BySubtraction && RefractorySteps == 0;

    /// <summary>Whether the (unsigned) neurons can emit bursts: as <see cref="SignedBurstsAllowed"/>, and not forced signed.</summary>
    private bool BurstsAllowed => SignedBurstsAllowed && SignedSpikes != true;

    /// <summary>Refuses a burst limit out of range or one the neurons cannot fire (<paramref name="signed"/>: signed bursts).</summary>
    private void CheckBurst(string option, int burst, bool signed = false)
    {
        if (burst is < 1 or > NeuronParameters.MaxBurstLimit) ThrowHelper.InvalidOption(option,
            $"{burst} is outside 1..{NeuronParameters.MaxBurstLimit}");
        if (burst > 1 && !(signed ? SignedBurstsAllowed : BurstsAllowed))
        {
            ThrowHelper.InvalidOption(option, "burst spikes need reset by subtraction, no refractory period"
                + (signed ? "" : " and unsigned spikes"));
        }
    }
}
