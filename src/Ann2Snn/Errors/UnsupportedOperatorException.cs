namespace Ann2Snn;

/// <summary>A model uses an operator, or an attribute value of one, that Ann2Snn does not support.</summary>
public sealed class UnsupportedOperatorException : Ann2SnnException
{
    public UnsupportedOperatorException(string message) : base(message) { }
}
