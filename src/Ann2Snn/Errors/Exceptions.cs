namespace Ann2Snn;

/// <summary>
/// Base of every error Ann2Snn raises on bad input; the CLI maps it to exit code 2. The message is always one line of
/// printable text (<see cref="ThrowHelper.OneLine"/>), even when it quotes an untrusted file.
/// </summary>
public abstract class Ann2SnnException : Exception
{
    protected Ann2SnnException(string message) : base(ThrowHelper.OneLine(message)) { }
    protected Ann2SnnException(string message, Exception? inner) : base(ThrowHelper.OneLine(message), inner) { }
}

/// <summary>A model file or graph is malformed, inconsistent, or holds values we refuse (NaN weights, absurd sizes).</summary>
public sealed class InvalidModelException : Ann2SnnException
{
    public InvalidModelException(string message) : base(message) { }
    public InvalidModelException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>A model uses an operator, or an attribute value of one, that Ann2Snn does not support.</summary>
public sealed class UnsupportedOperatorException : Ann2SnnException
{
    public UnsupportedOperatorException(string message) : base(message) { }
}

/// <summary>A data set file is malformed, truncated or inconsistent.</summary>
public sealed class InvalidDatasetException : Ann2SnnException
{
    public InvalidDatasetException(string message) : base(message) { }
    public InvalidDatasetException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>An option or argument has a value outside its domain.</summary>
public sealed class InvalidOptionException : Ann2SnnException
{
    public InvalidOptionException(string message) : base(message) { }
}
