namespace Ann2Snn.Conversion;

/// <summary>Severity of a pre-flight finding.</summary>
public enum PreflightSeverity
{
    /// <summary>Converted as is or by a pass (BatchNorm folding, Dropout removal).</summary>
    Note,

    /// <summary>Converted, but the result may lose accuracy (e.g. a clipped activation saturates).</summary>
    Warning,

    /// <summary>Blocks conversion to a rate-coded SNN.</summary>
    Blocker,
}
