using Ann2Snn.Neurons;

namespace Ann2Snn.Analysis;

/// <summary>
/// Options of <see cref="SynapseStudy.Run"/>: <see cref="Neurons"/> independent neurons, each driven by
/// <see cref="FanIn"/> Poisson sources firing with probability <see cref="InputRate"/> per step through weight <see cref="Weight"/>
/// (mean drive FanIn·InputRate·Weight per step).
/// </summary>
public sealed record SynapseStudyOptions
{
    public NeuronParameters Neuron { get; init; } = NeuronParameters.IntegrateAndFire();
    public int Neurons { get; init; } = 256;
    public int FanIn { get; init; } = 10;
    public float InputRate { get; init; } = 0.05f;
    public float Weight { get; init; } = 0.2f;

    /// <summary>Steps simulated after the warm-up.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Steps run first and not measured, so the synaptic filters reach their steady state (default: 5·max τs).</summary>
    public int? WarmupSteps { get; init; }

    /// <summary>Window length, in steps, of the spike counts whose coefficient of variation is reported.</summary>
    public int Window { get; init; } = 100;

    /// <summary>Exponential-synapse time constants τs in steps; the delta synapse is always run first.</summary>
    public IReadOnlyList<float> TauSyns { get; init; } = [1f, 2f, 5f, 10f, 20f];

    public int Seed { get; init; } = 1;

    public void Validate()
    {
        Neuron.Validate();
        if (Neuron.SignedSpikes) ThrowHelper.InvalidOption("signed", "the synapse study steps unsigned neurons");
        if (Neurons <= 0 || FanIn <= 0) ThrowHelper.InvalidOption("neurons",
            $"{Neurons} neurons with fan-in {FanIn}: both must be positive");
        if (!(InputRate > 0 && InputRate <= 1)) ThrowHelper.InvalidOption("poisson-rate", $"{InputRate} is outside (0, 1]");
        if (!float.IsFinite(Weight)) ThrowHelper.InvalidOption("weight", $"w = {Weight} must be finite");
        if (Window <= 0 || Steps < Window) ThrowHelper.InvalidOption("window",
            $"window {Window} must be positive and at most {Steps} steps");
        if (WarmupSteps < 0) ThrowHelper.InvalidOption("warmup", $"{WarmupSteps} must not be negative");
        if (TauSyns is null || TauSyns.Any(t => !(t > 0) || !float.IsFinite(t))) ThrowHelper.InvalidOption("tau-syn",
            "every τs must be positive and finite");
    }
}
