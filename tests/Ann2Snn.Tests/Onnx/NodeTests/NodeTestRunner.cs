using System.Collections.Concurrent;
using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Google.Protobuf;
using Onnx;

namespace Ann2Snn.Tests.Onnx.NodeTests;

/// <summary>
/// Runs a node test through the importer and the executor: every graph input but the first becomes an initializer
/// holding its test tensor (weights, shapes, axes and bounds turn into constants), only output 0 stays a graph
/// output, and the model goes through <see cref="OnnxImporter.Load(ReadOnlySpan{byte}, string, OnnxImportOptions?)"/>;
/// the executor runs input 0 with its ONNX axis 0 as the batch, and output 0 is compared at
/// |actual − expected| ≤ atol + rtol·|expected| (int64 indices exactly). Each result is computed once per process.
/// </summary>
internal static class NodeTestRunner
{
    public const double RelativeTolerance = 1e-3;
    public const double AbsoluteTolerance = 1e-5;

    /// <summary>The name the bound models are imported under; refusal reasons are cut to what follows it.</summary>
    public const string SourceName = "model.onnx";

    private static readonly ConcurrentDictionary<string, Lazy<NodeTestResult>> Results = new(StringComparer.Ordinal);

    private static readonly AnnExecutorOptions SingleThreaded = new() { MaxDegreeOfParallelism = 1 };

    /// <summary>The result of the named test, run on first request.</summary>
    public static NodeTestResult Result(string name) =>
        Results.GetOrAdd(name, n => new Lazy<NodeTestResult>(() => Run(NodeTestCase.Load(n)))).Value;

    /// <summary>The results of every bundled test, in name order.</summary>
    public static IReadOnlyList<NodeTestResult> All() => [.. NodeTestCase.Names().AsParallel().AsOrdered().Select(Result)];

    public static NodeTestResult Run(NodeTestCase c)
    {
        NodeTestScope scope = NodeTestScope.Of(c);
        if (!scope.Runnable) return new(c.Name, NodeTestOutcome.NotRun, "", scope.Reason);
        TensorProto input = c.Input(0), output = c.Output(0);
        int batch = checked((int)input.Dims[0]);
        ModelGraph graph;
        float[] actual;
        try
        {
            graph = OnnxImporter.Load(BindConstants(c), SourceName);
            actual = new AnnExecutor(graph, SingleThreaded).Forward(NodeTestTensor.Floats(input), batch);
        }
        catch (Exception ex) when (IsRefusal(ex))
        {
            return new(c.Name, NodeTestOutcome.Refused, Reason(ex), scope.Reason);
        }
        catch (Exception ex)
        {
            return new(c.Name, NodeTestOutcome.Crashed, $"{ex.GetType().Name}: {ex.Message}", scope.Reason);
        }
        string? mismatch = Mismatch(graph, actual, output);
        return mismatch is null
            ? new(c.Name, NodeTestOutcome.Passed, "", scope.Reason)
            : new(c.Name, NodeTestOutcome.Wrong, mismatch, scope.Reason);
    }

    /// <summary>
    /// The test's model with graph inputs 1… bound as initializers (still listed as inputs before IR version 4, which
    /// required that) and every graph output but the first dropped.
    /// </summary>
    public static byte[] BindConstants(NodeTestCase c)
    {
        ModelProto model = c.Model.Clone();
        GraphProto g = model.Graph;
        for (int i = 1; i < g.Input.Count; i++)
        {
            TensorProto t = c.Input(i);
            t.Name = g.Input[i].Name;
            g.Initializer.Add(t);
        }
        while (model.IrVersion >= 4 && g.Input.Count > 1) g.Input.RemoveAt(g.Input.Count - 1);
        while (g.Output.Count > 1) g.Output.RemoveAt(g.Output.Count - 1);
        return model.ToByteArray();
    }

    /// <summary>
    /// A typed refusal: an <see cref="Ann2SnnException"/> with no foreign exception under it. The importer wraps any
    /// other exception as <see cref="InvalidModelException"/> as a safety net; that is a crash in disguise.
    /// </summary>
    public static bool IsRefusal(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is not Ann2SnnException) return false;
        }
        return true;
    }

    /// <summary>
    /// The exception's message, cut to its part after the source name and before a list of what is supported
    /// ("; supported ops: …", "; supported opsets: …", lists that grow as support does), so the reason stays the same
    /// while the refusal does.
    /// </summary>
    public static string Reason(Exception ex)
    {
        const string prefix = SourceName + ": ", list = "; supported ";
        string message = ex.Message;
        if (message.StartsWith(prefix, StringComparison.Ordinal)) message = message[prefix.Length..];
        int cut = message.IndexOf(list, StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    /// <summary>Null when the executor's output matches <paramref name="expected"/>; else what differs, in one line.</summary>
    public static string? Mismatch(ModelGraph graph, float[] actual, TensorProto expected)
    {
        long[] dims = [.. expected.Dims];
        int[] perSample = graph.Output.OutputShape.ToArray();
        // The IR has no rank-0 sample: one value per sample ([N] in ONNX) is the per-sample shape [1].
        bool scalarPerSample = dims.Length == 1 && perSample is [1];
        if (!scalarPerSample && !perSample.Select(d => (long)d).SequenceEqual(dims.Skip(1)))
        {
            return $"output shape [N, {string.Join(", ", perSample)}], expected [{string.Join(", ", dims)}]";
        }
        return Mismatch(actual, NodeTestTensor.Values(expected), exact: expected.DataType == NodeTestTensor.Int64);
    }

    /// <summary>
    /// Null when every element of <paramref name="actual"/> lies within tolerance of <paramref name="expected"/> (equal
    /// when <paramref name="exact"/>; NaN matches NaN, an infinity itself); else the first element off and how many are.
    /// </summary>
    public static string? Mismatch(float[] actual, double[] expected, bool exact)
    {
        if (actual.Length != expected.Length) return $"{actual.Length} output values, expected {expected.Length}";
        int off = 0, first = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], e = expected[i];
            bool same = a.Equals(e) || !exact && Math.Abs(a - e) <= AbsoluteTolerance + RelativeTolerance * Math.Abs(e);
            if (same) continue;
            off++;
            if (first < 0) first = i;
        }
        return off == 0 ? null : $"element {first} is {actual[first]}, expected {expected[first]} ({off} of {actual.Length} off)";
    }
}
