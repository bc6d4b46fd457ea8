using System.Diagnostics.CodeAnalysis;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// One ONNX node while it is being imported: typed access to its attributes and inputs, and error helpers whose
/// messages say where (file, node, op type, opset) on one line.
/// </summary>
internal sealed class OnnxNode
{
    private readonly NodeProto _proto;
    private readonly IReadOnlyDictionary<string, Value> _values;

    /// <summary>
    /// Wraps <paramref name="proto"/>; <paramref name="name"/> is the unique IR name of the node it becomes,
    /// <paramref name="displayName"/> the name messages use (the ONNX node name, or its first output's name).
    /// </summary>
    public OnnxNode(NodeProto proto, string name, string displayName, int opset, string file, IReadOnlyDictionary<string, Value> values)
    {
        _proto = proto;
        _values = values;
        Name = name;
        Opset = opset;
        Where = $"{file}: node '{displayName}' ({Text.Clean(proto.OpType)}, opset {opset})";
    }

    /// <summary>The node's unique name in the IR (the ONNX name, or its first output's name).</summary>
    public string Name { get; }
    public string OpType => _proto.OpType;
    public int Opset { get; }

    /// <summary>"file: node 'X' (Op, opset N)", the prefix of every message about this node.</summary>
    public string Where { get; }

    public IReadOnlyList<string> Outputs => _proto.Output;

    // ---- errors ----

    [DoesNotReturn]
    public void Fail(string message) => throw new InvalidModelException($"{Where}: {message}");

    [DoesNotReturn]
    public T Fail<T>(string message) => throw new InvalidModelException($"{Where}: {message}");

    [DoesNotReturn]
    public void Unsupported(string message) => throw new UnsupportedOperatorException($"{Where}: {message}");

    [DoesNotReturn]
    public T Unsupported<T>(string message) => throw new UnsupportedOperatorException($"{Where}: {message}");

    /// <summary>Builds an IR node (or tensor), re-throwing its validation errors with this node's location.</summary>
    public T Make<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (InvalidModelException ex)
        {
            throw new InvalidModelException($"{Where}: {StripIrPrefix(ex.Message)}", ex);
        }
    }

    // IR messages start with "node 'name' (Op): "; the location we add says the same with more context.
    private static string StripIrPrefix(string message)
    {
        if (!message.StartsWith("node '", StringComparison.Ordinal)) return message;
        int end = message.IndexOf("): ", StringComparison.Ordinal);
        return end < 0 ? message : message[(end + 3)..];
    }

    // ---- inputs ----

    /// <summary>Number of inputs, not counting trailing omitted (empty-named) optional inputs.</summary>
    public int InputCount
    {
        get
        {
            int n = _proto.Input.Count;
            while (n > 0 && _proto.Input[n - 1].Length == 0) n--;
            return n;
        }
    }

    public bool HasInput(int index) => index < _proto.Input.Count && _proto.Input[index].Length > 0;

    public string InputName(int index) => _proto.Input[index];

    public void RequireInputs(int min, int max)
    {
        int n = InputCount;
        if (n < min || n > max || Enumerable.Range(0, min).Any(i => !HasInput(i)))
        {
            Fail(min == max ? $"expects {min} input(s), has {n}" : $"expects {min} to {max} inputs, has {n}");
        }
    }

    public Value Input(int index)
    {
        if (!HasInput(index)) Fail($"input {index} is missing");
        return _values[_proto.Input[index]];
    }

    /// <summary>Input <paramref name="index"/> as a runtime tensor; a constant there is refused.</summary>
    public TensorValue Tensor(int index) => Input(index) switch
    {
        TensorValue t => t,
        ConstantValue => Unsupported<TensorValue>($"input {index} ('{Text.Clean(InputName(index))}') is a constant; "
            + "it must be computed from the graph input"),
        PaddedValue p => Fail<TensorValue>($"input {index} comes from Pad '{p.PadNode}', which was expected to fold into another node"),
        MovedBatchValue m => Unsupported<TensorValue>($"input {index} ('{Text.Clean(InputName(index))}') has the batch at axis "
            + $"{m.BatchAxis} (a sequence-first layout); only Transpose, Squeeze, Gather and RNN/LSTM/GRU read such a tensor, "
            + "so move the batch first"),
        _ => throw new InvalidOperationException("unknown value kind"),
    };

    /// <summary>Input <paramref name="index"/> as a runtime tensor and the position of its batch axis (0 unless moved).</summary>
    public (Graph.Node Node, int BatchAxis) AnyTensor(int index) =>
        Input(index) is MovedBatchValue m ? (m.Node, m.BatchAxis) : (Tensor(index).Node, 0);

    /// <summary>
    /// Input <paramref name="index"/> as a constant; a runtime tensor there is refused, and so is integer data computed from
    /// the dynamic batch size (<see cref="ConstTensor.BatchSize"/>) unless <paramref name="batchAllowed"/>.
    /// </summary>
    public ConstTensor Constant(int index, string role, bool batchAllowed = false)
    {
        ConstTensor c = Input(index) switch
        {
            ConstantValue v => v.Tensor,
            _ => Unsupported<ConstTensor>($"{role} ('{Text.Clean(InputName(index))}') must be a constant (initializer or Constant node)"),
        };
        if (!batchAllowed && c.DependsOnBatch)
        {
            Unsupported($"{role} ('{Text.Clean(InputName(index))}') is computed from the dynamic batch size; "
                + "only the first dim of a Reshape target may be");
        }
        return c;
    }

    /// <summary>A constant input used as a weight: its values must be finite.</summary>
    public ConstTensor Weight(int index, string role)
    {
        ConstTensor c = Constant(index, role);
        if (c.IsInteger) Fail($"{role} '{Text.Clean(c.Name)}' must be a floating-point tensor");
        ThrowHelper.ThrowIfNotFinite(c.Floats, $"{Where}: tensor '{Text.Clean(c.Name)}' ({role})");
        return c;
    }

    /// <summary>A constant floating-point input holding a single number (Clip bounds, Pad value).</summary>
    public float Scalar(int index, string role)
    {
        ConstTensor c = Constant(index, role);
        if (c.IsInteger) Fail($"{role} '{Text.Clean(c.Name)}' must be a floating-point tensor");
        return c.Length == 1 ? c.Floats[0] : Fail<float>($"{role} must hold one value, '{Text.Clean(c.Name)}' has dims {c.DimsText}");
    }

    /// <summary>A constant integer (or boolean) input: shape, axes, pads, training_mode.</summary>
    public long[] Integers(int index, string role, bool batchAllowed = false)
    {
        ConstTensor c = Constant(index, role, batchAllowed);
        return c.Ints ?? Fail<long[]>($"{role} '{Text.Clean(c.Name)}' must hold integers");
    }

    // ---- attributes ----

    public bool HasAttribute(string name) => Find(name) is not null;

    public long Int(string name, long defaultValue)
    {
        AttributeProto? a = Find(name);
        if (a is null) return defaultValue;
        Expect(a, AttributeProto.Types.AttributeType.Int);
        return a.I;
    }

    /// <summary>An integer attribute that must fit an <see cref="int"/>.</summary>
    public int SmallInt(string name, int defaultValue)
    {
        long v = Int(name, defaultValue);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : Fail<int>($"attribute {name}={v} is out of range");
    }

    public float Float(string name, float defaultValue)
    {
        AttributeProto? a = Find(name);
        if (a is null) return defaultValue;
        Expect(a, AttributeProto.Types.AttributeType.Float);
        return a.F;
    }

    public string String(string name, string defaultValue)
    {
        AttributeProto? a = Find(name);
        if (a is null) return defaultValue;
        Expect(a, AttributeProto.Types.AttributeType.String);
        return a.S.ToStringUtf8();
    }

    /// <summary>An integer-list attribute, or null when absent.</summary>
    public long[]? Ints(string name)
    {
        AttributeProto? a = Find(name);
        if (a is null) return null;
        Expect(a, AttributeProto.Types.AttributeType.Ints);
        return [.. a.Ints];
    }

    /// <summary>
    /// An integer-list attribute of exactly <paramref name="count"/> values that fit an <see cref="int"/>, or
    /// <paramref name="defaultValue"/>.
    /// </summary>
    public int[] SmallInts(string name, int count, int[] defaultValue)
    {
        long[]? v = Ints(name);
        if (v is null) return defaultValue;
        if (v.Length != count) Fail($"attribute {name} has {v.Length} values, expected {count}");
        if (v.Any(x => x is < int.MinValue or > int.MaxValue)) Fail($"attribute {name}=[{string.Join(", ", v)}] is out of range");
        return Array.ConvertAll(v, x => (int)x);
    }

    /// <summary>A string-list attribute, or null when absent.</summary>
    public string[]? Strings(string name)
    {
        AttributeProto? a = Find(name);
        if (a is null) return null;
        Expect(a, AttributeProto.Types.AttributeType.Strings);
        return [.. a.Strings.Select(v => v.ToStringUtf8())];
    }

    public float[]? Floats(string name)
    {
        AttributeProto? a = Find(name);
        if (a is null) return null;
        Expect(a, AttributeProto.Types.AttributeType.Floats);
        return [.. a.Floats];
    }

    public TensorProto? TensorAttribute(string name)
    {
        AttributeProto? a = Find(name);
        if (a is null) return null;
        Expect(a, AttributeProto.Types.AttributeType.Tensor);
        return a.T ?? Fail<TensorProto>($"attribute {name} holds no tensor");
    }

    /// <summary>Names of the attributes present, for refusing ones we do not handle.</summary>
    public IEnumerable<string> AttributeNames => _proto.Attribute.Select(a => a.Name);

    private AttributeProto? Find(string name)
    {
        foreach (AttributeProto a in _proto.Attribute)
        {
            if (a.Name == name) return a;
        }
        return null;
    }

    private void Expect(AttributeProto a, AttributeProto.Types.AttributeType type)
    {
        // Very old exporters leave the type unset; the field that is filled in is then taken at its word.
        if (a.Type != type && a.Type != AttributeProto.Types.AttributeType.Undefined)
        {
            Fail($"attribute {Text.Clean(a.Name)} has type {a.Type}, expected {type}");
        }
    }
}
