namespace Ann2Snn;

/// <summary>A data set file is malformed, truncated or inconsistent.</summary>
public sealed class InvalidDatasetException : Ann2SnnException
{
    public InvalidDatasetException(string message) : base(message) { }
    public InvalidDatasetException(string message, Exception? inner) : base(message, inner) { }
}
