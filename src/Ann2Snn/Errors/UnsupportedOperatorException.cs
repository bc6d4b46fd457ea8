namespace Ann2Snn;

/// <summary>A model uses an operator, or an attribute value of one, that Ann2Snn does not support.</summary>
public sealed class UnsupportedOperatorException : Ann2SnnException
{
    public UnsupportedOperatorException(string message) : base(message) { }

    /// <summary>A refusal of a whole model, listing every <paramref name="blockers"/> found in it at once.</summary>
    public UnsupportedOperatorException(string message, IReadOnlyList<ModelBlocker> blockers) : base(message)
    {
        ArgumentNullException.ThrowIfNull(blockers);
        Blockers = blockers;
    }

    /// <summary>Every blocker of the model when the importer refused it as a whole; empty for a refusal of one node.</summary>
    public IReadOnlyList<ModelBlocker> Blockers { get; } = [];
}
