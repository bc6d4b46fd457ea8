using System.Text.RegularExpressions;

namespace Ann2Snn.Cli;

/// <summary>
/// The library names an option by its property ("option 'timesteps': …"); the command line names it as the user typed it
/// ("option '--timesteps': …"). Every <see cref="InvalidOptionException"/> that reaches the user goes through
/// <see cref="Dashed"/>, which gives a bare name its dashes and the few library names that differ from the option their
/// command-line name. Names of fields read from files ("input_encoding (in the .snn file)") are left as they are.
/// </summary>
public static partial class OptionNames
{
    /// <summary>The library names whose option is called otherwise on the command line.</summary>
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["steps"] = "--at",
        ["threshold"] = "--v-th",
        ["batch-size"] = "--batch",
        ["simulator"] = "--backend",
        ["dataset"] = "--data",
    };

    /// <summary>The command-line name of the library's option <paramref name="name"/> ("timesteps" → "--timesteps").</summary>
    public static string Of(string name) => Renamed.TryGetValue(name, out string? cli) ? cli : $"--{name}";

    /// <summary>
    /// <paramref name="message"/> with the option it starts with ("option 'name': …") named as on the command line; any other
    /// message as it is.
    /// </summary>
    public static string Dashed(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Match m = Leading().Match(message);
        return m.Success ? $"option '{Of(m.Groups[1].Value)}'{message[m.Length..]}" : message;
    }

    /// <summary>An exception of the same kind with <see cref="Dashed"/>'s message (the exception itself when nothing changes).</summary>
    public static Ann2SnnException Dashed(Ann2SnnException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string message = Dashed(e.Message);
        return e is InvalidOptionException && message != e.Message ? new InvalidOptionException(message) : e;
    }

    [GeneratedRegex("^option '([a-z][a-z0-9-]*)'")]
    private static partial Regex Leading();
}
