using Ann2Snn.Neurons;

namespace Ann2Snn.Snn;

/// <summary>Every field of <see cref="NeuronParameters"/>; <c>kind</c> is the model's <see cref="NeuronModel.Name"/>.</summary>
internal sealed class NeuronEntry
{
    public required string Kind { get; init; }
    public required float VThreshold { get; init; }
    public required ResetMode Reset { get; init; }
    public required float TauMem { get; init; }
    public required float VRest { get; init; }
    public required float Resistance { get; init; }
    public required int RefractorySteps { get; init; }
    public required float InitialFraction { get; init; }
    public required float Dt { get; init; }

    /// <summary>Written only when set; absent (older files) means unsigned.</summary>
    public bool? SignedSpikes { get; init; }

    /// <summary>Written only when above 1; absent (older files) means 1, one spike per step at most.</summary>
    public int? BurstLimit { get; init; }

    public static NeuronEntry From(NeuronParameters p) => new()
    {
        Kind = p.Model.Name,
        VThreshold = p.VThreshold,
        Reset = p.Reset,
        TauMem = p.TauMem,
        VRest = p.VRest,
        Resistance = p.Resistance,
        RefractorySteps = p.RefractorySteps,
        InitialFraction = p.InitialFraction,
        Dt = p.Dt,
        SignedSpikes = p.SignedSpikes ? true : null,
        BurstLimit = p.BurstLimit != 1 ? p.BurstLimit : null,
    };

    public NeuronParameters ToParameters(NeuronModel model) => new()
    {
        Model = model,
        VThreshold = VThreshold,
        Reset = Reset,
        TauMem = TauMem,
        VRest = VRest,
        Resistance = Resistance,
        RefractorySteps = RefractorySteps,
        InitialFraction = InitialFraction,
        Dt = Dt,
        SignedSpikes = SignedSpikes ?? false,
        BurstLimit = BurstLimit ?? 1,
    };
}
