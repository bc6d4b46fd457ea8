using Ann2Snn.Conversion;

namespace Ann2Snn.Evaluation;

/// <summary>
/// A named way of converting for a window: <paramref name="Options"/> gives the conversion options for a window of T steps.
/// <paramref name="Description"/> says in a line what it does (the built-in ones are <see cref="LatencyMethods"/>).
/// </summary>
public sealed record LatencyMethod(string Name, string Description, Func<int, ConversionOptions> Options);
