using System.Text.Json.Nodes;
using Ann2Snn.Cli.Commands;

namespace Ann2Snn.Cli.Scale;

/// <summary>
/// One configuration of a sweep: its place in the grid, the model, and eval's command line for it (<paramref name="Arguments"/>,
/// parsed into <paramref name="Settings"/> by the CLI's own parser), the values the spec set (<paramref name="Values"/>, by long
/// option name, the model and data included), the model file's SHA-256 and the run's <paramref name="Identity"/>
/// (<see cref="EvalIdentity"/>).
/// </summary>
internal sealed record SweepConfiguration(
    int Index,
    string Model,
    IReadOnlyList<string> Arguments,
    EvalCommand.Settings Settings,
    IReadOnlyList<KeyValuePair<string, string>> Values,
    string ModelHash,
    string Identity)
{
    /// <summary>The "configuration" object of its result files.</summary>
    public JsonObject Json() => new()
    {
        ["index"] = Index,
        ["values"] = new JsonObject([.. Values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)JsonValue.Create(v.Value)))]),
        ["arguments"] = new JsonArray([.. Arguments.Select(a => (JsonNode?)JsonValue.Create(a))]),
    };
}
