namespace Ann2Snn.Nir;

/// <summary>
/// The node types of NIR and their datasets, as the reference implementation (nir 1.0.7) defines them
/// (<c>nir/ir/*.py</c>; summarized in NIR_FORMAT.md §4): a reader refuses an unknown type, an unknown field and a missing
/// required field, as <c>nir.read</c> does.
/// </summary>
public static class NirSchema
{
    public const string Graph = "NIRGraph";

    /// <summary>Fields that hold integers (the rest of a type's fields hold floats; Conv padding may also be a string).</summary>
    private static readonly HashSet<string> IntegerFields =
        new(["shape", "input_shape", "stride", "padding", "dilation", "groups", "kernel_size", "start_dim", "end_dim", "input_type"],
            StringComparer.Ordinal);

    private static readonly Dictionary<string, (string[] Required, string[] Optional)> Types = new(StringComparer.Ordinal)
    {
        ["Input"] = (["shape"], []),
        ["Output"] = (["shape"], []),
        ["Affine"] = (["weight", "bias"], []),
        ["Linear"] = (["weight"], []),
        ["Scale"] = (["scale"], []),
        ["Conv1d"] = (["weight", "bias", "input_shape", "stride", "padding", "dilation", "groups"], []),
        ["Conv2d"] = (["weight", "bias", "input_shape", "stride", "padding", "dilation", "groups"], []),
        ["SumPool2d"] = (["kernel_size", "stride", "padding"], []),
        ["AvgPool2d"] = (["kernel_size", "stride", "padding"], []),
        ["Flatten"] = ([], ["start_dim", "end_dim", "input_type"]),
        ["Delay"] = (["delay"], []),
        ["Threshold"] = (["threshold"], []),
        ["I"] = (["r"], []),
        ["IF"] = (["r", "v_threshold"], ["v_reset"]),
        ["LI"] = (["tau", "r", "v_leak"], []),
        ["LIF"] = (["tau", "r", "v_leak", "v_threshold"], ["v_reset"]),
        ["CubaLI"] = (["tau_syn", "tau_mem", "r", "v_leak"], ["w_in"]),
        ["CubaLIF"] = (["tau_syn", "tau_mem", "r", "v_leak", "v_threshold"], ["v_reset", "w_in"]),
    };

    /// <summary>Every type a file may hold, NIRGraph included, comma-separated (for messages).</summary>
    public static string Names => string.Join(", ", Types.Keys.Append(Graph));

    public static bool IsKnown(string type) => type == Graph || Types.ContainsKey(type);

    /// <summary>Spiking types: their output is a spike train.</summary>
    public static bool IsSpiking(string type) => type is "IF" or "LIF" or "CubaLIF" or "Threshold";

    /// <summary>The neuron types whose parameters are element-wise tensors of one shape S (S → S).</summary>
    public static bool IsElementwise(string type) =>
        type is "Scale" or "Delay" or "Threshold" or "I" or "IF" or "LI" or "LIF" or "CubaLI" or "CubaLIF";

    public static IReadOnlyList<string> Required(string type) => Types[type].Required;

    public static bool IsField(string type, string field) =>
        Types.TryGetValue(type, out var t) && (t.Required.Contains(field) || t.Optional.Contains(field));

    public static bool IsIntegerField(string type, string field) => IntegerFields.Contains(field) && type != "Scale";
}
