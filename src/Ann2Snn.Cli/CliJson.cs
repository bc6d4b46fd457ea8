using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace Ann2Snn.Cli;

/// <summary>The CLI's <c>--json</c> output: what machines read, so it never goes through the console's renderer.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Writes <paramref name="value"/> as indented JSON straight to the console's output stream: the renderer would wrap
    /// long lines at the console's width (COLUMNS) and break strings in the middle.
    /// </summary>
    public static void Write(IAnsiConsole console, object value)
    {
        TextWriter writer = console.Profile.Out.Writer;
        writer.WriteLine(JsonSerializer.Serialize(value, Options));
        writer.Flush();
    }
}
