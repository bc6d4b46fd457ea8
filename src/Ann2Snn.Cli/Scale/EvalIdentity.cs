using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Scale;

/// <summary>
/// What makes two evaluations the same run: the model file's contents (SHA-256) and the value of every option that can change
/// a number (all of eval's options but --verbose, --json, --threads, --report and --shard), by long name, as given or by default.
/// Shards with the same identity merge; a sweep names each configuration's result file by it.
/// </summary>
internal static class EvalIdentity
{
    /// <summary>Options that change how a run is shown or spread, never what it computes.</summary>
    public static readonly IReadOnlySet<string> Ignored = new HashSet<string> { "--verbose", "--json", "--threads", "--report", "--shard" };

    /// <summary>Every option of <paramref name="settings"/>' type that belongs to the identity, by long name, with its value.</summary>
    public static SortedDictionary<string, string?> Options(CommandSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach ((string name, PropertyInfo property) in OptionsOf(settings.GetType()))
        {
            if (Ignored.Contains(name)) continue;
            options[name] = property.GetValue(settings) switch
            {
                null => null,
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                object o => o.ToString(),
            };
        }
        return options;
    }

    /// <summary>The options a settings type declares: long name ("--norm") and property.</summary>
    public static IEnumerable<(string Name, PropertyInfo Property)> OptionsOf(Type settings) =>
        settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Option: p.GetCustomAttribute<CommandOptionAttribute>()))
            .Where(x => x.Option is { LongNames.Count: > 0 })
            .Select(x => ("--" + x.Option!.LongNames[0], x.Property));

    /// <summary>SHA-256 of the model file, lower-case hex; a file that cannot be read is named (exit 2).</summary>
    public static string ModelHash(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOptionException($"model '{path}': cannot be read ({e.Message})");
        }
    }

    /// <summary>The identity: the first 16 hex digits of SHA-256 over the model's hash and the options as canonical JSON.</summary>
    public static string Of(string modelHash, IReadOnlyDictionary<string, string?> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string canonical = JsonSerializer.Serialize(new
        {
            model_sha256 = modelHash,
            options = new SortedDictionary<string, string?>(
            options.ToDictionary(), StringComparer.Ordinal)
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }

    /// <summary>The options in which <paramref name="b"/> differs from <paramref name="a"/>, as "--norm p99.9 against max".</summary>
    public static string Difference(IReadOnlyDictionary<string, string?> a, IReadOnlyDictionary<string, string?> b)
    {
        IEnumerable<string> keys = a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k));
        static string Value(IReadOnlyDictionary<string, string?> o, string k) => o.GetValueOrDefault(k) ?? "(default)";
        return string.Join("; ", keys.Select(k => $"{k} {Value(a, k)} against {Value(b, k)}"));
    }
}
