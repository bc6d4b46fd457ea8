using System.Collections.Frozen;

namespace Ann2Snn.Onnx;

/// <summary>
/// The version table: for each op of <see cref="Ops"/>, its ONNX definitions (the since-versions of the ONNX operator
/// changelog, docs/Changelog.md of onnx/onnx, up to opset <see cref="MaxOpset"/>), which of them we implement, and
/// what differs in those we refuse. A node is checked against the definition in effect at the model's opset, so a
/// model is refused only where one of its nodes follows a definition we do not implement.
/// </summary>
internal sealed partial class GraphImporter
{
    private static readonly string[] PadModes = ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"];
    private static readonly AttributeRule AutoPad = AttributeRule.String("auto_pad", PadModes, "not an ONNX padding mode");

    private const string LegacyBroadcast = "broadcast and axis attributes (one-way broadcasting before opset 7)";
    private const string TrainingSwitch = "is_test attribute (the training switch before opset 7)";
    private const string PoolWindow = "auto_pad,kernel_shape,pads,strides";
    private const string Coerced2d = "coerced to 2-D at axis (default 1): over the axes from there on, within a sample";

    private static readonly OpHistory ArithmeticVersions =
        History([], Refuse(1, LegacyBroadcast), Refuse(6, LegacyBroadcast), V(7), V(13), V(14));

    private static readonly OpHistory SoftmaxVersions =
        History([], V(1, note: Coerced2d), V(11, note: Coerced2d), V(13, note: "a single axis (default −1)"));

    private static readonly OpHistory SqueezeVersions = History([],
        V(1, note: "axes as an attribute"), V(11, note: "axes as an attribute"),
        V(13, "", "axes as an input"), V(21, ""), V(23, ""), V(24, ""), V(25, ""));

    private const string OutputSequence = "output_sequence attribute (Y optional by attribute before opset 7)";
    private const string RecurrentBefore14 = "activation_alpha,activation_beta,activations,clip,direction,hidden_size";

    /// <summary>RNN, LSTM and GRU: clip refused; layout from opset 14; <paramref name="extra"/> the op's own attributes.</summary>
    private static OpHistory RecurrentVersions(string extra, AttributeRule[] rules, params int[] refused) => History(
        [AttributeRule.Absent("clip", "cell clipping"),
            AttributeRule.String("direction", ["forward", "reverse", "bidirectional"], "not an ONNX direction"), .. rules],
        [.. refused.Select(v => Refuse(v, OutputSequence)), V(7, RecurrentBefore14 + extra), V(14), V(22)]);

    /// <summary>An element-wise activation: version 1 had the consumed_inputs attribute; then the given versions.</summary>
    private static OpHistory ActivationVersions(params OpVersion[] versions) =>
        History([], [Refuse(1, "consumed_inputs attribute"), .. versions]);

    /// <summary>A Reduce op: axes as an attribute until <paramref name="axesInput"/>, as an optional input from then on.</summary>
    private static OpHistory ReduceVersions(int axesInput) => History([],
        [
            .. new[] { 1, 11, 13, 18 }.Where(v => v < axesInput).Select(v => V(v, "axes,keepdims", "axes as an attribute")),
            V(axesInput, "keepdims,noop_with_empty_axes", "axes as an optional input"),
        ]);

    /// <summary>Each op's versions; an op of <see cref="Ops"/> missing here imports at any opset (a unit test lists it).</summary>
    internal static readonly FrozenDictionary<string, OpHistory> Versions = new Dictionary<string, OpHistory>
    {
        ["Add"] = ArithmeticVersions,
        ["ArgMax"] = History([], V(1, "axis,keepdims"), V(11, "axis,keepdims"), V(12), V(13)),
        ["AveragePool"] = History([AutoPad],
            V(1, PoolWindow), V(7, PoolWindow + ",count_include_pad"), V(10, PoolWindow + ",ceil_mode,count_include_pad"),
            V(11, PoolWindow + ",ceil_mode,count_include_pad"), V(19), V(22)),
        ["BatchNormalization"] = History(
            [AttributeRule.Int("spatial", 1, "per-element statistics"),
                AttributeRule.Int("training_mode", 0, "batch statistics; export the model in eval mode")],
            Refuse(1, TrainingSwitch), Refuse(6, TrainingSwitch),
            V(7, "epsilon,momentum,spatial"), V(9, "epsilon,momentum"), V(14, "epsilon,momentum,training_mode"),
            V(15, "epsilon,momentum,training_mode")),
        ["Cast"] = History([], Refuse(1, "to as a string attribute"), V(6, "to"), V(9, "to"), V(13, "to"), V(19), V(21), V(23),
            V(24), V(25)),
        ["Clip"] = History([],
            Refuse(1, "consumed_inputs attribute"), V(6, "min,max", "min and max as attributes"),
            V(11, "", "min and max as optional inputs"), V(12, ""), V(13, "")),
        ["Concat"] = History([], V(1), V(4), V(11), V(13)),
        ["Constant"] = History(
            [AttributeRule.Absent("sparse_value", "sparse tensors"), AttributeRule.Absent("value_string", "strings"),
                AttributeRule.Absent("value_strings", "strings")],
            V(1, "value"), V(9, "value"), V(11, "sparse_value,value"), V(12), V(13), V(19), V(21), V(23), V(24), V(25)),
        ["ConstantOfShape"] = History([], V(9), V(20), V(21), V(23), V(24), V(25)),
        ["Conv"] = History([AutoPad], V(1), V(11), V(22)),
        ["ConvTranspose"] = History([AutoPad], V(1), V(11), V(22)),
        ["Div"] = ArithmeticVersions,
        ["Dropout"] = History([],
            Refuse(1, TrainingSwitch), Refuse(6, TrainingSwitch),
            V(7, "ratio"), V(10, "ratio"), V(12, "seed", "ratio and training_mode as optional inputs"), V(13, "seed"),
            V(22, "seed")),
        ["Elu"] = ActivationVersions(V(6), V(22)),
        ["Equal"] = History([], Refuse(1, LegacyBroadcast), V(7), V(11), V(13), V(19)),
        ["Erf"] = History([], V(9), V(13)),
        ["Expand"] = History([], V(8), V(13)),
        ["Flatten"] = History([], V(1), V(9), V(11), V(13), V(21), V(23), V(24), V(25)),
        ["Floor"] = ActivationVersions(V(6), V(13)),
        ["Gather"] = History([], V(1), V(11), V(13)),
        ["GatherElements"] = History([], V(11), V(13)),
        ["GatherND"] = History([], V(11, ""), V(12), V(13)),
        ["GRU"] = RecurrentVersions(",linear_before_reset", [], 1, 3),
        ["Gelu"] = History([AttributeRule.String("approximate", ["none", "tanh"], "not an ONNX Gelu form")], V(20)),
        ["Gemm"] = History([AttributeRule.Int("transA", 0, "the input must be [N, K]")],
            Refuse(1, "broadcast attribute (C broadcast only on request before opset 7)"),
            Refuse(6, "broadcast attribute (C broadcast only on request before opset 7)"),
            V(7), V(9), V(11), V(13)),
        ["GlobalAveragePool"] = History([], V(1), V(22)),
        ["GlobalMaxPool"] = History([], V(1), V(22)),
        ["HardSigmoid"] = ActivationVersions(V(6), V(22)),
        ["HardSwish"] = History([], V(14), V(22)),
        ["Identity"] = History([], V(1), V(13), V(14), V(16), V(19), V(21), V(23), V(24), V(25)),
        ["LayerNormalization"] = History([], V(17)),
        ["LeakyRelu"] = ActivationVersions(V(6), V(16)),
        ["LSTM"] = RecurrentVersions(",input_forget", [AttributeRule.Int("input_forget", 0, "coupled input and forget gates")], 1),
        ["LogSoftmax"] = SoftmaxVersions,
        ["MatMul"] = History([], V(1), V(9), V(13)),
        // storage_order orders only the Indices output, which the importer refuses whenever it is used.
        ["MaxPool"] = History([AutoPad],
            V(1, PoolWindow), V(8, PoolWindow + ",storage_order"), V(10), V(11), V(12), V(22)),
        ["Mul"] = ArithmeticVersions,
        ["Pow"] = History([], Refuse(1, LegacyBroadcast), V(7), V(12), V(13), V(15)),
        ["PRelu"] = ActivationVersions(Refuse(6, "a slope broadcast without ONNX's unidirectional rules (before opset 7)"),
            V(7), V(9), V(16)),
        ["Pad"] = History([],
            Refuse(1, "paddings attribute (named pads from Pad-2 on)"), V(2, "mode,pads,value", "pads and value as attributes"),
            V(11, "mode", "pads and constant_value as inputs"), V(13, "mode"), V(18, "mode", "an optional axes input"),
            V(19, "mode"), V(21, "mode"), V(23, "mode"), V(24, "mode"), V(25, "mode")),
        ["ReduceMean"] = ReduceVersions(18),
        ["ReduceProd"] = ReduceVersions(18),
        ["ReduceSum"] = ReduceVersions(13),
        ["ReduceSumSquare"] = ReduceVersions(18),
        ["Relu"] = History([], Refuse(1, "consumed_inputs attribute"), V(6), V(13), V(14)),
        ["RNN"] = RecurrentVersions("", [], 1),
        ["Reshape"] = History([],
            Refuse(1, "shape and consumed_inputs attributes (the shape is an input from Reshape-5 on)"),
            V(5, ""), V(13, ""), V(14), V(19), V(21), V(23), V(24), V(25)),
        ["Shape"] = History([], V(1, ""), V(13, ""), V(15), V(19), V(21), V(23), V(24), V(25)),
        ["Sigmoid"] = ActivationVersions(V(6), V(13)),
        ["Slice"] = History([],
            V(1, "axes,ends,starts", "starts, ends and axes as attributes"), V(10, "", "starts, ends, axes and steps as inputs"),
            V(11, ""), V(13, "")),
        ["Softmax"] = SoftmaxVersions,
        ["Split"] = History([],
            Refuse(1, "split as an optional second input before opset 2"), V(2, "axis,split", "split as an attribute"),
            V(11, "axis,split", "split as an attribute"), V(13, "axis", "split as an optional input"),
            V(18, "axis,num_outputs", "split as an optional input, or num_outputs")),
        ["Sqrt"] = ActivationVersions(V(6), V(13)),
        ["Squeeze"] = SqueezeVersions,
        ["Sub"] = ArithmeticVersions,
        ["Tanh"] = ActivationVersions(V(6), V(13)),
        ["Transpose"] = History([], V(1), V(13), V(21), V(23), V(24), V(25)),
        ["Unsqueeze"] = SqueezeVersions,
        ["Where"] = History([], V(9), V(16)),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Ops ONNX deprecated: the opset from which a node of them is refused as such, and what replaced them.</summary>
    internal static readonly FrozenDictionary<string, (int Opset, string Successor)> Deprecated =
        new Dictionary<string, (int, string)>
        {
            ["Upsample"] = (10, "Resize"),
            ["Scatter"] = (11, "ScatterElements"),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The ops <see cref="Ops"/> maps, sorted.</summary>
    internal static IEnumerable<string> OpNames => Ops.Keys.Order(StringComparer.Ordinal);

    /// <summary>The attributes <see cref="Ops"/> lists for <paramref name="op"/>: the union over its versions.</summary>
    internal static IReadOnlyList<string> AttributesOf(string op) => Ops[op].Attributes;

    /// <summary>
    /// A definition we implement; <paramref name="attributes"/> (comma-separated) where it has fewer than
    /// <see cref="Ops"/> lists.
    /// </summary>
    private static OpVersion V(int since, string? attributes = null, string? note = null) =>
        new(since) { Attributes = attributes?.Split(',', StringSplitOptions.RemoveEmptyEntries), Note = note };

    /// <summary>A definition we refuse, and what in it differs from the ones we implement.</summary>
    private static OpVersion Refuse(int since, string difference) => new(since) { Refused = difference };

    private static OpHistory History(AttributeRule[] rules, params OpVersion[] versions) => new(versions, rules);
}
