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
