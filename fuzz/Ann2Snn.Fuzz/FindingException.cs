namespace Ann2Snn.Fuzz;

/// <summary>
/// What the fuzzer is told about: a loader that threw an untyped exception, wrapped an unexpected one in its typed
/// error, answered with a malformed message, loaded something it should not have (non-finite values, labels out of
/// range, a count that does not add up), or allocated more than <see cref="Harness.MaxAllocatedBytes"/> for one input.
/// </summary>
internal sealed class FindingException(string message, Exception? inner = null) : Exception(message, inner);
