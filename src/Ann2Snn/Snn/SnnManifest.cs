using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ann2Snn.Neurons;
using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

// The manifest.json of a .snn file, as plain data. Property names are written in snake_case; optional members
// belong to particular layer or op kinds and are omitted elsewhere. The reader checks every value itself: these
// types only give the JSON a shape.

internal sealed class SnnManifest
{
    public required string Format { get; init; }
    public required int FormatVersion { get; init; }
    public string? LibraryVersion { get; init; }
    public required string Name { get; init; }
    public required int[] InputShape { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
    public required List<LayerEntry> Layers { get; init; }

    /// <summary>One options object for writing and reading: snake_case names, enums by name only, ±Infinity as strings.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file, never HTML: keep '+' and non-ASCII names readable
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false), new CompactIntArrayConverter() },
    };
}

/// <summary>Shapes and window sizes on one line (<c>[4, 1, 3, 3]</c>) even in an indented manifest.</summary>
internal sealed class CompactIntArrayConverter : JsonConverter<int[]>
{
    public override int[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException($"expected an array of integers, found {reader.TokenType}");
        var values = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int v)) throw new JsonException($"expected a 32-bit integer, found {reader.TokenType}");
            values.Add(v);
        }
        return values.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options) =>
        writer.WriteRawValue("[" + string.Join(", ", value) + "]", skipInputValidation: true);
}

/// <summary>A layer: <c>kind</c> is "neurons", "maxpool" or "readout" (<see cref="SpikingLayer.Kind"/>).</summary>
internal sealed class LayerEntry
{
    public required string Kind { get; init; }
    public required string Name { get; init; }
    public required int[] Shape { get; init; }

    // neurons
    public NeuronEntry? Neuron { get; init; }

    // neurons, readout
    public BlobRef? Bias { get; init; }
    public List<ProjectionEntry>? Projections { get; init; }

    // maxpool
    public int? Source { get; init; }
    public int[]? InputShape { get; init; }
    public WindowEntry? Window { get; init; }
    public MaxPoolScheme? Scheme { get; init; }
}

/// <summary>Every field of <see cref="NeuronParameters"/>; <c>kind</c> is the model's <see cref="NeuronModel.Name"/>.</summary>
internal sealed class NeuronEntry
{
    public required string Kind { get; init; }
    public required float VThreshold { get; init; }
    public required ResetMode Reset { get; init; }
    public required float TauMem { get; init; }
    public required float VRest { get; init; }
    public required float Resistance { get; init; }
    public required int RefractorySteps { get; init; }
    public required float InitialFraction { get; init; }
    public required float Dt { get; init; }

    /// <summary>Written only when set; absent (older files) means unsigned.</summary>
    public bool? SignedSpikes { get; init; }

    public static NeuronEntry From(NeuronParameters p) => new()
    {
        Kind = p.Model.Name,
        VThreshold = p.VThreshold,
        Reset = p.Reset,
        TauMem = p.TauMem,
        VRest = p.VRest,
        Resistance = p.Resistance,
        RefractorySteps = p.RefractorySteps,
        InitialFraction = p.InitialFraction,
        Dt = p.Dt,
        SignedSpikes = p.SignedSpikes ? true : null,
    };

    public NeuronParameters ToParameters(NeuronModel model) => new()
    {
        Model = model,
        VThreshold = VThreshold,
        Reset = Reset,
        TauMem = TauMem,
        VRest = VRest,
        Resistance = Resistance,
        RefractorySteps = RefractorySteps,
        InitialFraction = InitialFraction,
        Dt = Dt,
        SignedSpikes = SignedSpikes ?? false,
    };
}

internal sealed class ProjectionEntry
{
    public required int Source { get; init; }
    public required List<OpEntry> Ops { get; init; }
}

/// <summary>A synaptic op: <c>kind</c> is <see cref="SynapticOp.Kind"/>; the members used depend on it.</summary>
internal sealed class OpEntry
{
    public required string Kind { get; init; }
    public required int[] InputShape { get; init; }
    public required int[] OutputShape { get; init; }

    // dense, conv
    public BlobRef? Weight { get; init; }

    // conv, avgpool
    public WindowEntry? Window { get; init; }

    // conv
    public int? Groups { get; init; }

    // avgpool
    public bool? CountIncludePad { get; init; }

    // scale
    public BlobRef? Scale { get; init; }

    // concat
    public int? ChannelOffset { get; init; }
}

/// <summary><see cref="Window2d"/>: pairs are [H, W]; pads are [top, left, bottom, right].</summary>
internal sealed class WindowEntry
{
    public required int[] Kernel { get; init; }
    public required int[] Stride { get; init; }
    public required int[] Pads { get; init; }
    public required int[] Dilation { get; init; }
    public required bool CeilMode { get; init; }

    public static WindowEntry From(Window2d w) => new()
    {
        Kernel = [w.KernelH, w.KernelW],
        Stride = [w.StrideH, w.StrideW],
        Pads = [w.PadTop, w.PadLeft, w.PadBottom, w.PadRight],
        Dilation = [w.DilationH, w.DilationW],
        CeilMode = w.CeilMode,
    };

    /// <summary>The window, or null when an array has the wrong length.</summary>
    public Window2d? ToWindow() =>
        Kernel.Length == 2 && Stride.Length == 2 && Pads.Length == 4 && Dilation.Length == 2
            ? new Window2d(Kernel[0], Kernel[1], Stride[0], Stride[1], Pads[0], Pads[1], Pads[2], Pads[3], Dilation[0], Dilation[1], CeilMode)
            : null;
}

/// <summary>A float32 array stored as the raw little-endian entry <see cref="Entry"/>, row-major with <see cref="Shape"/>.</summary>
internal sealed class BlobRef
{
    public required string Entry { get; init; }
    public required int[] Shape { get; init; }
}
