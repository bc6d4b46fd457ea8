namespace Ann2Snn.Tests.Onnx.NodeTests;

/// <summary>The outcome of one node test, with its one-line detail (the refusal reason, the mismatch, the crash).</summary>
/// <param name="OutOfScope">Why the test lies outside the scope (<see cref="NodeTestScope"/>); null when inside.</param>
internal sealed record NodeTestResult(string Name, NodeTestOutcome Outcome, string Detail, string? OutOfScope)
{
    /// <summary>Passed, refused with a typed exception, or (out of scope only) not run: never wrong, never a crash.</summary>
    public bool IsAcceptable => Outcome is NodeTestOutcome.Passed or NodeTestOutcome.Refused
        || Outcome == NodeTestOutcome.NotRun && OutOfScope is not null;

    public override string ToString() =>
        $"{Name}: {Outcome}{(Detail.Length > 0 ? ": " + Detail : "")}{(OutOfScope is null ? "" : $" (out of scope: {OutOfScope})")}";
}
