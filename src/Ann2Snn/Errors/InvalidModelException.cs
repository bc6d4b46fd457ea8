namespace Ann2Snn;

/// <summary>A model file or graph is malformed, inconsistent, or holds values we refuse (NaN weights, absurd sizes).</summary>
public sealed class InvalidModelException : Ann2SnnException
{
    public InvalidModelException(string message) : base(message) { }
    public InvalidModelException(string message, Exception? inner) : base(message, inner) { }
}
