namespace Ann2Snn;

/// <summary>An option or argument has a value outside its domain.</summary>
public sealed class InvalidOptionException : Ann2SnnException
{
    public InvalidOptionException(string message) : base(message) { }
}
