namespace Ann2Snn.Snn;

/// <summary>
/// The input encoding a network was converted for, kept in its metadata under <see cref="Key"/> as a lower-case name
/// ("analog", "poisson", "ttfs"): <c>ann2snn convert --input</c> writes it, and evaluation uses it unless told otherwise.
/// </summary>
public static class InputEncodingMetadata
{
    public const string Key = "input_encoding";

    /// <summary>
    /// The encoding named <paramref name="value"/>; throws <see cref="InvalidOptionException"/> naming <paramref name="option"/>
    /// for any other name.
    /// </summary>
    public static InputEncoding Parse(string value, string option)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            "analog" => InputEncoding.Analog,
            "poisson" => InputEncoding.Poisson,
            "ttfs" => InputEncoding.Ttfs,
            _ => Unknown(value, option),
        };
    }

    /// <summary>The lower-case name <see cref="Parse"/> reads.</summary>
    public static string Name(InputEncoding encoding) => encoding.ToString().ToLowerInvariant();

    /// <summary>The encoding stored with <paramref name="network"/>, or null when none is.</summary>
    public static InputEncoding? Read(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Metadata.TryGetValue(Key, out string? stored) ? Parse(stored, $"{Key} (in the .snn file)") : null;
    }

    /// <summary><paramref name="network"/> with <paramref name="encoding"/> stored in its metadata (the rest unchanged).</summary>
    public static SpikingNetwork Write(SpikingNetwork network, InputEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.WithMetadata((Key, Name(encoding)));
    }

    private static InputEncoding Unknown(string value, string option)
    {
        ThrowHelper.InvalidOption(option, $"'{ThrowHelper.Printable(value)}' is not one of analog, poisson, ttfs");
        return default;
    }
}
