using System.Diagnostics.CodeAnalysis;

namespace Ann2Snn;

/// <summary>Central throw sites: messages say what was found, what was expected, and where.</summary>
public static class ThrowHelper
{
    [DoesNotReturn]
    public static void InvalidModel(string message) => throw new InvalidModelException(message);

    [DoesNotReturn]
    public static T InvalidModel<T>(string message) => throw new InvalidModelException(message);

    [DoesNotReturn]
    public static void Unsupported(string message) => throw new UnsupportedOperatorException(message);

    [DoesNotReturn]
    public static void InvalidDataset(string message) => throw new InvalidDatasetException(message);

    [DoesNotReturn]
    public static T InvalidDataset<T>(string message) => throw new InvalidDatasetException(message);

    [DoesNotReturn]
    public static void InvalidOption(string option, string message) =>
        throw new InvalidOptionException($"option '{option}': {message}");

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
