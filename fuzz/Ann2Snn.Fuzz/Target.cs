namespace Ann2Snn.Fuzz;

/// <summary>One loader under test: <see cref="Load"/> reads an input, refusing it with an <see cref="Ann2SnnException"/>.</summary>
internal sealed class Target
{
    public required string Name { get; init; }
    public required string Summary { get; init; }

    /// <summary>Loads the input (and checks what was loaded); refuses it with an <see cref="Ann2SnnException"/>.</summary>
    public required Action<byte[]> Load { get; init; }

    /// <summary>Exception types a typed refusal may carry as its cause (I/O, decompression, parser errors).</summary>
    public required Func<Exception, bool> ExpectedCause { get; init; }

    /// <summary>Start of every refusal message: the name of the file (or stream) it is about.</summary>
    public required Func<string> MessagePrefix { get; init; }
}
