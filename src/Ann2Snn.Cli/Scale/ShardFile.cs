using System.Text.Json;
using System.Text.Json.Nodes;
using Ann2Snn.Evaluation;

namespace Ann2Snn.Cli.Scale;

/// <summary>
/// A sharded evaluation's JSON (<c>eval --shard i/n --json</c>, or one result file of a sweep): eval's object plus a
/// <c>"shard"</c> object holding what merge needs: i and n, the identity of the run (<see cref="EvalIdentity"/>) with the
/// model's hash and the options, and the counts (<see cref="EvaluationTotals"/>). A sweep's files add a
/// <c>"configuration"</c> object (<see cref="SweepSpec"/>).
/// </summary>
internal sealed record ShardFile(
    string Path,
    JsonObject Root,
    Shard Shard,
    string Identity,
    string ModelHash,
    IReadOnlyDictionary<string, string?> Options,
    EvaluationTotals Totals,
    JsonObject? Configuration)
{
    public const string Key = "shard", ConfigurationKey = "configuration";

    /// <summary>The totals' keys in snake_case, as the rest of the CLI's JSON.</summary>
    private static readonly JsonSerializerOptions TotalsOptions = new(CliJson.Options)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>eval's JSON object <paramref name="eval"/> with the shard object added (and the configuration, for a sweep).</summary>
    public static JsonObject Write(object eval, Shard shard, string identity, string modelHash,
        IReadOnlyDictionary<string, string?> options, EvaluationTotals totals, JsonObject? configuration = null)
    {
        JsonObject root = JsonSerializer.SerializeToNode(eval, CliJson.Options)!.AsObject();
        root[Key] = new JsonObject
        {
            ["index"] = shard.Index,
            ["count"] = shard.Count,
            ["identity"] = identity,
            ["model_sha256"] = modelHash,
            ["options"] = JsonSerializer.SerializeToNode(options, CliJson.Options),
            ["totals"] = JsonSerializer.SerializeToNode(totals, TotalsOptions),
        };
        if (configuration is not null) root[ConfigurationKey] = configuration;
        return root;
    }

    /// <summary>
    /// Reads and checks a shard's file. Anything that is not one (not JSON, truncated, no shard object, counts that cannot
    /// be) throws <see cref="InvalidDatasetException"/> naming the file and what is wrong.
    /// </summary>
    public static ShardFile Read(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDatasetException($"{path}: not a complete JSON object (truncated?): {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDatasetException($"{path}: cannot be read ({e.Message})");
        }
        if (root[Key] is not JsonObject block)
        {
            throw new InvalidDatasetException($"{path}: no \"{Key}\" object: not the JSON of 'eval --shard i/n' or of a sweep");
        }
        try
        {
            var shard = new Shard(Value<int>(block, "index"), Value<int>(block, "count"), $"{path}: shard");
            var options = Required(block, "options").Deserialize<Dictionary<string, string?>>(CliJson.Options)!;
            EvaluationTotals totals = Required(block, "totals").Deserialize<EvaluationTotals>(TotalsOptions)!;
            totals.Validate(path);
            return new ShardFile(path, root, shard, Value<string>(block, "identity"), Value<string>(block, "model_sha256"), options,
                totals, root[ConfigurationKey] as JsonObject);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDatasetException($"{path}: the \"{Key}\" object is incomplete or malformed: {e.Message}");
        }
        catch (InvalidOptionException e)
        {
            throw new InvalidDatasetException(e.Message);
        }
    }

    private static JsonNode Required(JsonObject block, string key) =>
        block[key] ?? throw new JsonException($"\"{key}\" is missing or null");

    private static T Value<T>(JsonObject block, string key) => Required(block, key).GetValue<T>();

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> whole or not at all: a temporary file, then a rename.</summary>
    /// <returns>false when <paramref name="path"/> exists and <paramref name="overwrite"/> is false (nothing is written).</returns>
    public static bool WriteAtomically(string path, string text, bool overwrite)
    {
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string temp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)))
            {
                writer.Write(text);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            return false; // another task finished it first
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
