namespace Ann2Snn.Graph;

/// <summary>Which way a <see cref="RecurrentNode"/> runs over the sequence.</summary>
public enum RecurrentDirection
{
    /// <summary>t = 0, 1, …, L − 1.</summary>
    Forward,

    /// <summary>t = L − 1, …, 0.</summary>
    Reverse,

    /// <summary>Both, with separate weights: direction 0 forward, direction 1 reverse.</summary>
    Bidirectional,
}
