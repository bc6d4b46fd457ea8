using System.Diagnostics.CodeAnalysis;

namespace Ann2Snn;

/// <summary>Central throw sites: messages say what was found, what was expected, and where.</summary>
public static class ThrowHelper
{
    private static readonly System.Buffers.SearchValues<char> BreakingChars = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c), '\u2028', '\u2029']);

    [DoesNotReturn]
    public static void InvalidModel(string message) => throw new InvalidModelException(message);

    [DoesNotReturn]
    public static T InvalidModel<T>(string message) => throw new InvalidModelException(message);

    [DoesNotReturn]
    public static void Unsupported(string message) => throw new UnsupportedOperatorException(message);

    [DoesNotReturn]
    public static T Unsupported<T>(string message) => throw new UnsupportedOperatorException(message);

    [DoesNotReturn]
    public static void InvalidDataset(string message) => throw new InvalidDatasetException(message);

    [DoesNotReturn]
    public static T InvalidDataset<T>(string message) => throw new InvalidDatasetException(message);

    [DoesNotReturn]
    public static void InvalidOption(string option, string message) =>
        throw new InvalidOptionException($"option '{option}': {message}");

    [DoesNotReturn]
    public static T InvalidOption<T>(string option, string message) =>
        throw new InvalidOptionException($"option '{option}': {message}");

    /// <summary>
    /// Untrusted text (a name or string read from a file) made safe to quote in a one-line message or to use as a name:
    /// control characters and line or paragraph separators become '?', and text longer than
    /// <paramref name="maxLength"/> characters is cut and ends in '…'.
    /// </summary>
    public static string Printable(string? text, int maxLength = 200)
    {
        if (string.IsNullOrEmpty(text)) return "";
        bool cut = text.Length > maxLength;
        char[] chars = (cut ? text[..maxLength] : text).ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (IsBreaking(chars[i])) chars[i] = '?';
        }
        return cut ? new string(chars) + "…" : new string(chars);
    }

    /// <summary>
    /// A message as one line of printable text: each line break (CR, LF, CRLF, NEL, LS, PS) becomes a space and any
    /// other control character '?'. Returns <paramref name="message"/> itself when it is already clean.
    /// </summary>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.AsSpan().ContainsAny(BreakingChars)) return message;
        var chars = message.ReplaceLineEndings(" ").ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (IsBreaking(chars[i])) chars[i] = '?';
        }
        return new string(chars);
    }

    private static bool IsBreaking(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>Throws <see cref="InvalidModelException"/> naming the tensor when any value is NaN or infinite.</summary>
    public static void ThrowIfNotFinite(ReadOnlySpan<float> values, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                InvalidModel($"{what}: element {i} is {values[i]}; weights must be finite");
            }
        }
    }
}
