namespace Ann2Snn.Tests.Onnx.NodeTests;

/// <summary>How one node test ended.</summary>
internal enum NodeTestOutcome
{
    /// <summary>Imported, executed, and output 0 matched within tolerance.</summary>
    Passed,

    /// <summary>The importer or executor refused the model with a typed <see cref="Ann2SnnException"/>.</summary>
    Refused,

    /// <summary>Out of scope and not runnable: the harness cannot feed or compare its data.</summary>
    NotRun,

    /// <summary>Accepted, but the output's shape or values differ from ONNX's: a bug.</summary>
    Wrong,

    /// <summary>Any other exception, or one the importer's safety net wrapped: a bug.</summary>
    Crashed,
}
