using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ann2Snn.Snn;

/// <summary>Shapes and window sizes on one line (<c>[4, 1, 3, 3]</c>) even in an indented manifest.</summary>
internal sealed class CompactIntArrayConverter : JsonConverter<int[]>
{
    public override int[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException($"expected an array of integers, "
            + $"found {reader.TokenType}");
        var values = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number
                || !reader.TryGetInt32(out int v)) throw new JsonException($"expected a 32-bit integer, found {reader.TokenType}");
            values.Add(v);
        }
        return values.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options) =>
        writer.WriteRawValue("[" + string.Join(", ", value) + "]", skipInputValidation: true);
}
