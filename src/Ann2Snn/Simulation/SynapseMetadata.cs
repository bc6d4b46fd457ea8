using System.Globalization;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// The synapse model a network was converted for, kept in its metadata: <see cref="ModelKey"/> holds the lower-case name
/// (<c>delta</c>, <c>exponential</c>) and, for exponential synapses, <see cref="TauKey"/> holds τs in the time unit of the
/// neurons' Δt. <c>ann2snn convert --synapse/--tau-syn</c> writes them, and evaluation uses them unless told otherwise; a file
/// without them (written before they were stored) has delta synapses.
/// </summary>
public static class SynapseMetadata
{
    public const string ModelKey = "synapse";

    public const string TauKey = "tau_syn";

    /// <summary>
    /// The model named <paramref name="value"/>; throws <see cref="InvalidOptionException"/> naming <paramref name="option"/>.
    /// </summary>
    public static SynapseModel Parse(string value, string option)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            "delta" => SynapseModel.Delta,
            "exponential" or "exp" => SynapseModel.Exponential,
            _ => Unknown(value, option),
        };
    }

    /// <summary>The lower-case name <see cref="Parse"/> reads.</summary>
    public static string Name(SynapseModel model) => model.ToString().ToLowerInvariant();

    /// <summary>
    /// The synapse model and τs stored with <paramref name="network"/> (τs null for delta synapses), or null when none is;
    /// a stored value that does not parse throws <see cref="InvalidOptionException"/> naming the key.
    /// </summary>
    public static (SynapseModel Model, float? TauSyn)? Read(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!network.Metadata.TryGetValue(ModelKey, out string? stored)) return null;
        SynapseModel model = Parse(stored, $"{ModelKey} (in the .snn file)");
        if (!network.Metadata.TryGetValue(TauKey, out string? tau)) return (model, null);
        if (!float.TryParse(tau, NumberStyles.Float, CultureInfo.InvariantCulture, out float t) || !(t > 0) || !float.IsFinite(t))
        {
            ThrowHelper.InvalidOption($"{TauKey} (in the .snn file)", $"'{ThrowHelper.Printable(tau)}' is not a positive time constant");
        }
        return (model, t);
    }

    /// <summary>
    /// <paramref name="network"/> with <paramref name="model"/> (and τs = <paramref name="tauSyn"/> for exponential synapses)
    /// stored in its metadata, the rest unchanged.
    /// </summary>
    public static SpikingNetwork Write(SpikingNetwork network, SynapseModel model, float tauSyn)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.WithMetadata((ModelKey, Name(model)),
            (TauKey, model == SynapseModel.Exponential ? tauSyn.ToString("R", CultureInfo.InvariantCulture) : null));
    }

    private static SynapseModel Unknown(string value, string option)
    {
        ThrowHelper.InvalidOption(option, $"'{ThrowHelper.Printable(value)}' is not one of delta, exponential");
        return default;
    }
}
