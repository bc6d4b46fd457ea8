using System.Globalization;
using System.Text.Json;
using Ann2Snn.Cli.Commands;
using Ann2Snn.Simulation;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Scale;

/// <summary>
/// A sweep's spec (<c>sweep.json</c>): the models, the data, lists of eval/convert options to combine, seeds, and how many
/// shards each configuration's images are split into. Every value of the grid is parsed by eval's own parser and checked
/// before anything runs; a bad key or value throws <see cref="InvalidOptionException"/> naming the file and the key (exit 2).
/// <code>
/// { "models": ["models/mnist_mlp.onnx"], "data": "mnist",
///   "options": { "timesteps": [16, 32], "norm": ["p99.9", "max"], "limit": 1000, "input": "poisson" },
///   "seeds": [1, 2], "shards": 2 }
/// </code>
/// Relative model paths are relative to the spec's folder. The grid is models × data × options (in the spec's order) × seeds.
/// </summary>
internal sealed record SweepSpec(string Path, IReadOnlyList<SweepConfiguration> Configurations, int Shards)
{
    /// <summary>The spec's keys.</summary>
    public static readonly IReadOnlyList<string> Keys = ["models", "model", "data", "options", "seeds", "shards"];

    /// <summary>eval options a spec may not set: they are not part of a run, or the sweep sets them itself.</summary>
    private static readonly HashSet<string> NotInSpec = ["--json", "--verbose", "--report", "--shard", "--data"];

    /// <summary>Largest grid accepted.</summary>
    public const int MaxConfigurations = 100_000;

    /// <param name="path">the spec file.</param>
    /// <param name="threads">--threads for every run (0: all cores); not part of a configuration.</param>
    public static SweepSpec Read(string path, int threads = 0)
    {
        JsonElement root;
        try
        {
            var parsing = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip };
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path), parsing);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Bad(path, "", $"not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOptionException($"spec '{path}': cannot be read ({e.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object) throw Bad(path, "", "not a JSON object");
        foreach (JsonProperty p in root.EnumerateObject())
        {
            if (!Keys.Contains(p.Name)) throw Bad(path, p.Name, $"unknown key; expected {string.Join(", ", Keys)}");
        }
        if (root.TryGetProperty("models", out _) && root.TryGetProperty("model", out _))
        {
            throw Bad(path, "model", "give models or model, not both");
        }
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        string[] models = [.. Values(path, root, root.TryGetProperty("model", out _) ? "model" : "models", required: true)
            .Select(m => System.IO.Path.IsPathRooted(m) ? m : System.IO.Path.Combine(folder, m))];
        string[] data = root.TryGetProperty("data", out _) ? Values(path, root, "data", required: false) : ["mnist"];
        var options = new List<(string Name, string[] Values)>();
        HashSet<string> known = [.. EvalIdentity.OptionsOf(typeof(EvalCommand.Settings)).Select(o => o.Name)];
        if (root.TryGetProperty("options", out JsonElement given))
        {
            if (given.ValueKind != JsonValueKind.Object) throw Bad(path, "options", "not an object of option: value or [values]");
            foreach (JsonProperty p in given.EnumerateObject())
            {
                string name = p.Name.StartsWith("--", StringComparison.Ordinal) ? p.Name : "--" + p.Name;
                string key = $"options.{p.Name}";
                if (NotInSpec.Contains(name))
                {
                    throw Bad(path, key, name == "--data" ? "give data at the top level" : "not an option of a run");
                }
                if (!known.Contains(name)) throw Bad(path, key, "not an option of eval or convert (see 'ann2snn eval --help')");
                if (options.Any(o => o.Name == name)) throw Bad(path, key, "given twice");
                options.Add((name, Values(path, given, p.Name, required: true, key)));
            }
        }
        if (root.TryGetProperty("seeds", out _))
        {
            if (options.Any(o => o.Name == "--seed")) throw Bad(path, "seeds", "give seeds or options.seed, not both");
            options.Add(("--seed", Values(path, root, "seeds", required: true)));
        }
        int shards = 1;
        if (root.TryGetProperty("shards", out JsonElement s) && !(s.TryGetInt32(out shards) && shards >= 1))
        {
            throw Bad(path, "shards", $"'{s.GetRawText()}' is not a whole number ≥ 1 (image shards per configuration)");
        }
        long size = (long)models.Length * data.Length * options.Aggregate(1L, (n, o) => n * o.Values.Length);
        if (size > MaxConfigurations) throw Bad(path, "", $"{size:N0} configurations, over the limit of {MaxConfigurations:N0}");
        return new SweepSpec(path, Expand(path, models, data, options, threads), shards);
    }

    /// <summary>Every configuration of the grid, parsed and checked, in order (models outer, then data, options, seeds).</summary>
    private static SweepConfiguration[] Expand(string path, string[] models, string[] data, List<(string Name, string[] Values)> options,
        int threads)
    {
        var hashes = new Dictionary<string, string>();
        var grid = new List<SweepConfiguration>();
        foreach (string model in models)
        {
            if (!File.Exists(model)) throw Bad(path, "models", $"'{model}' does not exist");
            string hash = hashes.TryGetValue(model, out string? h) ? h : hashes[model] = EvalIdentity.ModelHash(model);
            foreach (string d in data)
            {
                foreach (string[] values in Product(options))
                {
                    var pairs = new List<KeyValuePair<string, string>> { new("model", model), new("--data", d) };
                    var args = new List<string> { model, "--data", d };
                    for (int i = 0; i < options.Count; i++)
                    {
                        pairs.Add(new(options[i].Name, values[i]));
                        if (values[i] == "false") continue; // a flag left off
                        args.Add(options[i].Name);
                        if (values[i] != "true") args.Add(values[i]);
                    }
                    EvalCommand.Settings settings = Parse(path, grid.Count, args, threads);
                    string identity = EvalIdentity.Of(hash, EvalIdentity.Options(settings));
                    grid.Add(new SweepConfiguration(grid.Count, model, args, settings, pairs, hash, identity));
                }
            }
        }
        if (grid.Select(c => c.Identity).Distinct().Count() != grid.Count)
        {
            SweepConfiguration twin = grid.GroupBy(c => c.Identity).First(g => g.Count() > 1).Skip(1).First();
            throw Bad(path, "", $"configuration {twin.Index} ({string.Join(" ", twin.Arguments.Skip(1))}) repeats an earlier one");
        }
        return [.. grid];
    }

    private static IEnumerable<string[]> Product(List<(string Name, string[] Values)> options)
    {
        IEnumerable<string[]> rows = [[]];
        foreach ((_, string[] values) in options) rows = rows.SelectMany(r => values.Select(v => (string[])[.. r, v]));
        return rows;
    }

    /// <summary>
    /// eval's command line for one configuration, parsed by eval's own parser (Spectre, strict) into its settings, and the values
    /// checked as eval checks them before it reads a file.
    /// </summary>
    private static EvalCommand.Settings Parse(string path, int index, List<string> args, int threads)
    {
        EvalCommand.Settings? parsed = null;
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.AddDelegate<EvalCommand.Settings>("eval", (_, s, _) =>
            {
                parsed = s;
                return 0;
            });
        });
        string where = $"configuration {index} ({string.Join(" ", args.Skip(1))})";
        try
        {
            app.Run(["eval", .. args, .. threads == 0 ? (string[])[] : ["--threads", threads.ToString(CultureInfo.InvariantCulture)]]);
            EvalCommand.Settings s = parsed!;
            s.ReportSteps();
            s.Preprocessing();
            s.ToSimulationOptions();
            s.ToConversionOptions();
            Simulators.CheckName(s.Backend, "--backend");
            return s;
        }
        catch (Exception e) when (e is CommandAppException or Ann2SnnException)
        {
            throw Bad(path, where, e.Message.ReplaceLineEndings(" ").Trim());
        }
    }

    /// <summary>The value or values of <paramref name="name"/> in <paramref name="obj"/> as strings: one, or a non-empty list.</summary>
    private static string[] Values(string path, JsonElement obj, string name, bool required, string? key = null)
    {
        key ??= name;
        if (!obj.TryGetProperty(name, out JsonElement v)) return required ? throw Bad(path, key, "missing") : [];
        JsonElement[] items = v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray()] : [v];
        if (items.Length == 0) throw Bad(path, key, "an empty list leaves the grid empty");
        return [.. items.Select(i => i.ValueKind switch
        {
            JsonValueKind.String => i.GetString()!,
            JsonValueKind.Number => i.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => throw Bad(path, key, $"'{i.GetRawText()}' is not a string, number or boolean"),
        })];
    }

    private static InvalidOptionException Bad(string path, string key, string message) =>
        new(key.Length == 0 ? $"spec '{path}': {message}" : $"spec '{path}': {key}: {message}");
}
