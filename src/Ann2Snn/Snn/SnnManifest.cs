using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ann2Snn.Snn;

// The manifest.json of a .snn file, as plain data. Property names are written in snake_case; optional members
// belong to particular layer or op kinds and are omitted elsewhere. The reader checks every value itself: these
// types only give the JSON a shape.
internal sealed class SnnManifest
{
    public required string Format { get; init; }
    public required int FormatVersion { get; init; }
    public string? LibraryVersion { get; init; }
    public required string Name { get; init; }
    public required int[] InputShape { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
    public required List<LayerEntry> Layers { get; init; }

    /// <summary>One options object for writing and reading: snake_case names, enums by name only, ±Infinity as strings.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file, never HTML: keep '+' and non-ASCII names readable
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false),
            new CompactIntArrayConverter() },
    };
}
