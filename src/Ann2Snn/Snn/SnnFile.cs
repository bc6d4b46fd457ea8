using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Numerics.Tensors;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Ann2Snn.Neurons;
using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// The native, versioned file format of a converted <see cref="SpikingNetwork"/> (".snn"): one ZIP container holding
/// <c>manifest.json</c> (format name and version, library version, network name, input shape, metadata, and every
/// layer with its neuron parameters and its projections' op chains, each attribute spelled out) and one entry
/// <c>blobs/NNNN.f32</c> per weight, bias or gain array: raw little-endian float32, row-major, its shape declared in
/// the manifest where it is referenced. An array shared by several ops is stored once.
/// <para>
/// <see cref="Save(SpikingNetwork, string)"/> writes a temporary file beside the destination and renames it over the
/// destination, so a failed save leaves no partial file and keeps the previous one. <see cref="Load(string)"/> treats
/// the file as untrusted: every size is checked against the limits and against the entry's length before anything
/// is allocated, every value must be finite, and every problem becomes an <see cref="InvalidModelException"/> whose
/// one-line message names the file and the entry or layer at fault.
/// </para>
/// </summary>
public static class SnnFile
{
    /// <summary>The manifest's <c>format</c> field.</summary>
    public const string FormatName = "ann2snn-snn";

    /// <summary>
    /// The newest format version this build reads and writes. A file is written with the oldest version that holds it
    /// (<see cref="VersionOf"/>): 1, or 2 when a population has burst spikes (<c>neuron.burst_limit</c>, which a version 1
    /// reader would skip and simulate one spike per step), or 3 when a population has a negative branch
    /// (<c>negative_gain</c>, LeakyRelu/PRelu: an older reader would simulate a ReLU) or the input has a function
    /// (metadata <c>input_function</c>, which an older reader would not apply), or 4 when it holds an operator layer
    /// (<see cref="OperatorLayer"/>, a layer kind older readers do not know), or 5 when a projection holds dense synapses
    /// over tokens or a selection (<see cref="TokenDenseOp"/>, <see cref="SelectOp"/>, op kinds older readers do not know).
    /// </summary>
    public const int FormatVersion = 5;

    public const string Extension = ".snn";

    internal const string ManifestEntry = "manifest.json";

    /// <summary>Largest array one blob may hold (the per-sample tensor limit, 2^28 floats = 1 GiB).</summary>
    public const long MaxBlobElements = Shape.MaxElements;

    /// <summary>Largest total of all blobs in one file (2^30 floats = 4 GiB).</summary>
    public const long MaxTotalElements = 1L << 30;

    internal const long MaxManifestBytes = 64L << 20;

    /// <summary>Deflate expands at most about 1032:1; an entry claiming more is corrupt (or a bomb).</summary>
    internal const long MaxDeflateRatio = 1032;

    private static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static string LibraryVersion { get; } =
        typeof(SnnFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(SnnFile).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// Writes <paramref name="network"/> to <paramref name="path"/> atomically (temporary file + rename). Throws
    /// <see cref="InvalidModelException"/> before touching the disk when the network holds values the format refuses
    /// (NaN or infinite weights, invalid neuron parameters); I/O failures surface as <see cref="IOException"/>.
    /// </summary>
    public static void Save(SpikingNetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var writer = new Writer(network);
        AtomicFile.Write(path, writer.WriteTo);
    }

    /// <summary>Writes <paramref name="network"/> as a .snn container to <paramref name="stream"/> (left open).</summary>
    public static void Save(SpikingNetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        new Writer(network).WriteTo(stream);
    }

    /// <summary>
    /// Reads a network saved by <see cref="Save(SpikingNetwork, string)"/>; any problem is an <see cref="InvalidModelException"/>
    /// naming the file.
    /// </summary>
    public static SpikingNetwork Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new InvalidModelException($"{path}: cannot open: {OneLine(e.Message)}", e);
        }
        using (file)
        {
            return Load(file, path);
        }
    }

    /// <summary>Reads a network from a .snn container; <paramref name="sourceName"/> names it in error messages.</summary>
    public static SpikingNetwork Load(Stream stream, string sourceName = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new Reader();
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            return reader.Read(zip);
        }
        catch (Exception e)
        {
            // The one place where a message gets its file and location: format errors, errors of the IR's own
            // constructors, and whatever the ZIP or JSON layers or the stream raise on corrupt or truncated input.
            throw new InvalidModelException($"{sourceName}: {reader.Where}: {OneLine(e.Message)}", e is FormatError ? null : e);
        }
    }

    /// <summary>
    /// The oldest format version that holds <paramref name="network"/>: 5 with token dense or select synapses, 4 with operator
    /// layers, 3 with delayed projections,
    /// negative-branch gains, an input function or a sequence presentation,
    /// 2 with burst populations, else 1.
    /// </summary>
    public static int VersionOf(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Layers.SelectMany(SpikingNetwork.ProjectionsOf).Any(p => p.Ops.Any(o => o is TokenDenseOp or SelectOp))) return 5;
        if (network.Layers.Any(l => l is OperatorLayer)) return 4;
        IEnumerable<NeuronLayer> populations = network.Layers.OfType<NeuronLayer>();
        if (network.HasDelays || populations.Any(l => l.NegativeGain is not null) || network.Metadata.ContainsKey(InputFunction.Key)
            || SequencePresentation.IsSequence(network))
        {
            return 3;
        }
        return populations.Any(l => l.Neuron.BurstLimit != 1) ? 2 : 1;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>
    /// Why a network cannot be stored, or null: every parameter finite (τm may be +∞, the IF value), the neuron model
    /// registered (so that the file reads back), the reset mode known, and the parameters valid for simulation.
    /// </summary>
    internal static string? NeuronProblem(NeuronParameters p)
    {
        if (p.Model is { } model && NeuronModels.Find(model.Name) != model) return $"neuron model '{model}' is not registered";
        if (!Enum.IsDefined(p.Reset)) return $"reset mode {(int)p.Reset} is unknown";
        ReadOnlySpan<(string Name, float Value)> values =
            [("v_threshold", p.VThreshold), ("v_rest", p.VRest), ("resistance", p.Resistance),
                ("initial_fraction", p.InitialFraction), ("dt", p.Dt)];
        foreach (var (name, value) in values)
        {
            if (!float.IsFinite(value)) return $"{name} = {value} must be finite";
        }
        if (float.IsNaN(p.TauMem) || float.IsNegativeInfinity(p.TauMem)) return $"tau_mem = {p.TauMem} must be a number (+∞ for no leak)";
        try
        {
            p.Validate();
        }
        catch (InvalidOptionException e)
        {
            return e.Message;
        }
        return null;
    }

    /// <summary>Index of the first NaN or infinite value, or −1.</summary>
    internal static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        if (TensorPrimitives.IsFiniteAll(values)) return -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }
        return -1;
    }

    /// <summary>
    /// A problem the reader found itself; <see cref="Load(Stream, string)"/> turns it into an <see cref="InvalidModelException"/>.
    /// </summary>
    private sealed class FormatError(string message) : Exception(message);

    /// <summary>Builds the manifest and the list of blobs, validating everything before a byte is written.</summary>
    private sealed class Writer
    {
        private readonly SpikingNetwork _network;
        private readonly Dictionary<float[], string> _entries = new(ReferenceEqualityComparer.Instance);
        private readonly List<(string Entry, float[] Data)> _blobs = [];
        private readonly SnnManifest _manifest;

        public Writer(SpikingNetwork network)
        {
            _network = network;
            if (network.Metadata.TryGetValue(InputFunction.Key, out string? function)
                && InputFunction.Problem(function, network.InputShape) is { } problem)
            {
                throw Refuse($"metadata {InputFunction.Key}", problem);
            }
            _manifest = new SnnManifest
            {
                Format = FormatName,
                FormatVersion = VersionOf(network),
                LibraryVersion = LibraryVersion,
                Name = network.Name,
                InputShape = network.InputShape.ToArray(),
                Metadata = network.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
                Layers = network.Layers.Select(Layer).ToList(),
            };
        }

        public void WriteTo(Stream stream)
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            ZipArchiveEntry manifest = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal);
            manifest.LastWriteTime = EntryTime;
            using (Stream s = manifest.Open())
            {
                JsonSerializer.Serialize(s, _manifest, SnnManifest.Json);
            }
            // Blobs are stored uncompressed: float weights hardly compress, and a stored entry's length is its size on disk.
            foreach (var (name, data) in _blobs)
            {
                ZipArchiveEntry entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                entry.LastWriteTime = EntryTime;
                using Stream s = entry.Open();
                WriteLittleEndian(s, data);
            }
        }

        private static void WriteLittleEndian(Stream s, float[] data)
        {
            if (BitConverter.IsLittleEndian)
            {
                s.Write(MemoryMarshal.AsBytes(data.AsSpan()));
                return;
            }
            var buffer = new int[Math.Min(data.Length, 1 << 14)];
            for (int at = 0; at < data.Length; at += buffer.Length)
            {
                int n = Math.Min(buffer.Length, data.Length - at);
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(data.AsSpan(at, n)), buffer.AsSpan(0, n));
                s.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, n)));
            }
        }

        private InvalidModelException Refuse(string where, string what) =>
            new($"spiking network '{_network.Name}': {where}: {what}; it cannot be saved");

        private LayerEntry Layer(SpikingLayer layer, int index)
        {
            string where = $"layer {index} '{layer.Name}'";
            switch (layer)
            {
                case NeuronLayer n:
                    if (NeuronProblem(n.Neuron) is { } problem) throw Refuse(where, problem);
                    return new LayerEntry
                    {
                        Kind = n.Kind,
                        Name = n.Name,
                        Shape = n.Shape.ToArray(),
                        Neuron = NeuronEntry.From(n.Neuron),
                        Bias = Blob(n.Bias, [n.Bias.Length], $"{where} bias"),
                        NegativeGain = n.NegativeGain is { } gain ? Blob(gain, [gain.Length], $"{where} negative_gain") : null,
                        Projections = Projections(n.Projections, where),
                    };
                case ReadoutLayer r:
                    return new LayerEntry
                    {
                        Kind = r.Kind,
                        Name = r.Name,
                        Shape = r.Shape.ToArray(),
                        Bias = Blob(r.Bias, [r.Bias.Length], $"{where} bias"),
                        Projections = Projections(r.Projections, where),
                    };
                case MaxPoolLayer m:
                    if (!Enum.IsDefined(m.Scheme)) throw Refuse(where, $"max-pool scheme {(int)m.Scheme} is unknown");
                    return new LayerEntry
                    {
                        Kind = m.Kind,
                        Name = m.Name,
                        Shape = m.Shape.ToArray(),
                        Source = m.Source,
                        InputShape = m.InputShape.ToArray(),
                        Window = WindowEntry.From(m.Window),
                        Scheme = m.Scheme,
                    };
                case OperatorLayer o:
                    if (!Enum.IsDefined(o.Operator)) throw Refuse(where, $"operator {(int)o.Operator} is unknown");
                    return new LayerEntry
                    {
                        Kind = o.Kind,
                        Name = o.Name,
                        Shape = o.Shape.ToArray(),
                        Operator = OperatorLayer.NameOf(o.Operator),
                        Operands = o.Operands.Select((x, j) => new OperandEntry
                        {
                            Shape = x.Shape.ToArray(),
                            Projections = Projections(x.Projections, $"{where} operand {j}"),
                        }).ToList(),
                        NormalizedAxes = o.Operator == OperatorKind.LayerNorm ? o.NormalizedAxes : null,
                        Gamma = o.Gamma is { } g ? Blob(g, [g.Length], $"{where} gamma") : null,
                        Beta = o.Beta is { } b ? Blob(b, [b.Length], $"{where} beta") : null,
                        Epsilon = o.Operator == OperatorKind.LayerNorm ? o.Epsilon : null,
                    };
                default:
                    throw Refuse(where, $"layer kind '{layer.Kind}' has no representation in format {FormatVersion}");
            }
        }

        private List<ProjectionEntry> Projections(IReadOnlyList<Projection> projections, string where) =>
            projections.Select((p, j) => new ProjectionEntry
            {
                Source = p.Source,
                Ops = p.Ops.Select((op, k) => Op(op, $"{where} projection {j} op {k} ({op.Kind})")).ToList(),
                Delay = p.Delay == 0 ? null : p.Delay,
            }).ToList();

        private OpEntry Op(SynapticOp op, string where)
        {
            int[] input = op.InputShape.ToArray(), output = op.OutputShape.ToArray();
            return op switch
            {
                DenseOp d => new OpEntry
                {
                    Kind = d.Kind,
                    InputShape = input,
                    OutputShape = output,
                    Weight = Blob(d.Weight.Data, d.Weight.Shape, where)
                },
                TokenDenseOp t => new OpEntry
                {
                    Kind = t.Kind,
                    InputShape = input,
                    OutputShape = output,
                    Weight = Blob(t.Weight.Data, t.Weight.Shape, where)
                },
                SelectOp s => new OpEntry { Kind = s.Kind, InputShape = input, OutputShape = output, Map = s.Map.ToArray() },
                ConvOp c => new OpEntry
                {
                    Kind = c.Kind,
                    InputShape = input,
                    OutputShape = output,
                    Weight = Blob(c.Weight.Data, c.Weight.Shape, where),
                    Window = WindowEntry.From(c.Window),
                    Groups = c.Groups,
                },
                AvgPoolOp p => new OpEntry
                {
                    Kind = p.Kind,
                    InputShape = input,
                    OutputShape = output,
                    Window = WindowEntry.From(p.Window),
                    CountIncludePad = p.CountIncludePad
                },
                ReshapeOp r => new OpEntry { Kind = r.Kind, InputShape = input, OutputShape = output },
                ScaleOp s => new OpEntry
                {
                    Kind = s.Kind,
                    InputShape = input,
                    OutputShape = output,
                    Scale = Blob(s.Scale, [s.Scale.Length], where)
                },
                ConcatSliceOp cat => new OpEntry
                {
                    Kind = cat.Kind,
                    InputShape = input,
                    OutputShape = output,
                    ChannelOffset = cat.ChannelOffset
                },
                _ => throw Refuse(where, $"op kind '{op.Kind}' has no representation in format {FormatVersion}"),
            };
        }

        private BlobRef Blob(float[] data, int[] shape, string where)
        {
            int bad = FirstNonFinite(data);
            if (bad >= 0) throw Refuse(where, $"element {bad} is {data[bad]}; only finite values can be stored");
            if (!_entries.TryGetValue(data, out string? name))
            {
                name = $"blobs/{_blobs.Count:D4}.f32";
                _entries.Add(data, name);
                _blobs.Add((name, data));
            }
            return new BlobRef { Entry = name, Shape = (int[])shape.Clone() };
        }
    }

    /// <summary>Reads and checks a manifest and its blobs, keeping <see cref="Where"/> at the place being read.</summary>
    private sealed class Reader
    {
        private readonly Dictionary<string, float[]> _blobs = new(StringComparer.Ordinal);
        private long _totalElements;
        private int _version;
        private ZipArchive _zip = null!;

        /// <summary>The entry, layer or op being read: where an error is reported.</summary>
        public string Where { get; private set; } = "ZIP container";

        public SpikingNetwork Read(ZipArchive zip)
        {
            _zip = zip;
            Where = ManifestEntry;
            ZipArchiveEntry entry = zip.GetEntry(ManifestEntry) ?? throw new FormatError("entry missing; this is not a .snn file");
            CheckEntrySize(entry, MaxManifestBytes, "the manifest limit");
            var bytes = new byte[entry.Length];
            ReadEntry(entry, bytes);
            // JsonDocument checks a string's UTF-8 only when the string is read, and then throws InvalidOperationException.
            if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw new FormatError("not valid UTF-8 text");

            using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatError($"expected a JSON object, found {root.ValueKind}");
            string? format = root.TryGetProperty("format", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (format != FormatName) throw new FormatError($"format is {(format is null ? "missing" : $"'{Quote(format)}'")}, "
                + $"expected '{FormatName}'");
            if (!root.TryGetProperty("format_version", out JsonElement v) || v.ValueKind != JsonValueKind.Number
                || !v.TryGetInt32(out int version) || version < 1)
            {
                throw new FormatError("format_version is missing or not a positive integer");
            }
            if (version > FormatVersion)
            {
                throw new FormatError($"written by a newer version (format {version}); this build reads up to {FormatVersion}");
            }
            _version = version;
            SnnManifest manifest = root.Deserialize<SnnManifest>(SnnManifest.Json) ?? throw new FormatError("manifest is null");
            return Build(manifest);
        }

        private SpikingNetwork Build(SnnManifest m)
        {
            Where = $"{ManifestEntry} input_shape";
            var input = new Shape(m.InputShape);
            var layers = new List<SpikingLayer>(m.Layers.Count);
            for (int i = 0; i < m.Layers.Count; i++) layers.Add(Layer(i, m.Layers[i]));
            Where = $"{ManifestEntry} metadata";
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in m.Metadata ?? [])
            {
                metadata[key] = value ?? throw new FormatError($"'{Quote(key)}' is null, expected a string");
            }
            if (metadata.TryGetValue(InputFunction.Key, out string? function))
            {
                if (_version < 3) throw new FormatError($"{InputFunction.Key} needs format 3, the file says format {_version}");
                if (InputFunction.Problem(function, input) is { } problem) throw new FormatError($"{InputFunction.Key}: {problem}");
            }
            Where = ManifestEntry;
            return new SpikingNetwork(m.Name, input, layers, metadata);
        }

        private SpikingLayer Layer(int index, LayerEntry? e)
        {
            Where = $"layer {index}";
            if (e is null) throw new FormatError("null, expected an object");
            string where = Where = $"layer {index} '{Quote(e.Name)}' ({Quote(e.Kind)})";
            var shape = new Shape(e.Shape);
            switch (e.Kind)
            {
                case "neurons":
                    {
                        NeuronEntry entry = e.Neuron ?? throw Missing("neuron");
                        // Case-insensitive, as the enum these names replaced was read.
                        NeuronModel model = NeuronModels.Find(entry.Kind, StringComparison.OrdinalIgnoreCase) ?? throw new FormatError(
                            $"neuron kind '{Quote(entry.Kind)}' is unknown; this build reads {NeuronModels.Names}");
                        if (entry.BurstLimit is { } b && _version < 2) throw new FormatError(
                            $"neuron: burst_limit = {b} needs format 2, the file says format {_version}");
                        NeuronParameters neuron = entry.ToParameters(model);
                        if (NeuronProblem(neuron) is { } problem) throw new FormatError($"neuron: {problem}");
                        IReadOnlyList<Projection> projections = Projections(e.Projections, where);
                        Where = where;
                        float[] bias = Vector(e.Bias, "bias");
                        float[]? gain = null;
                        if (e.NegativeGain is not null)
                        {
                            if (_version < 3) throw new FormatError($"negative_gain needs format 3, the file says format {_version}");
                            gain = Vector(e.NegativeGain, "negative_gain");
                            if (NeuronLayer.NegativeGainProblem(gain, neuron, shape) is { } wrong) throw new FormatError(wrong);
                        }
                        return new NeuronLayer(e.Name, shape, neuron, projections, bias, gain);
                    }
                case "readout":
                    {
                        IReadOnlyList<Projection> projections = Projections(e.Projections, where);
                        Where = where;
                        float[] bias = Vector(e.Bias, "bias");
                        return new ReadoutLayer(e.Name, shape, projections, bias);
                    }
                case "maxpool":
                    {
                        MaxPoolScheme scheme = e.Scheme ?? throw Missing("scheme");
                        if (!Enum.IsDefined(scheme)) throw new FormatError($"max-pool scheme {(int)scheme} is unknown");
                        int source = e.Source ?? throw Missing("source");
                        var inputShape = new Shape(e.InputShape ?? throw Missing("input_shape"));
                        return new MaxPoolLayer(e.Name, source, inputShape, Window(e.Window), scheme, shape);
                    }
                case "operator":
                    if (_version < 4) throw new FormatError($"operator layers need format 4, the file says format {_version}");
                    return Operator(e, where, shape);
                default:
                    throw new FormatError($"unknown layer kind '{Quote(e.Kind)}'; this build reads neurons, maxpool, readout and operator");
            }
        }

        private OperatorLayer Operator(LayerEntry e, string where, Shape shape)
        {
            string name = e.Operator ?? throw Missing("operator");
            OperatorKind? kind = Enum.GetValues<OperatorKind>().Select(k => (OperatorKind?)k)
                .FirstOrDefault(k => OperatorLayer.NameOf(k!.Value) == name);
            if (kind is not { } op) throw new FormatError($"unknown operator '{Quote(name)}'; this build reads "
                + string.Join(", ", Enum.GetValues<OperatorKind>().Select(OperatorLayer.NameOf)));
            List<OperandEntry> entries = e.Operands ?? throw Missing("operands");
            int expected = op == OperatorKind.MatMul ? 2 : 1;
            if (entries.Count != expected) throw new FormatError($"{name} takes {expected} operand(s), the file gives {entries.Count}");
            var operands = new List<Operand>(entries.Count);
            for (int j = 0; j < entries.Count; j++)
            {
                Where = $"{where} operand {j}";
                OperandEntry x = entries[j] ?? throw new FormatError("null, expected an object");
                var operandShape = new Shape(x.Shape);
                operands.Add(new Operand(operandShape, Projections(x.Projections, $"{where} operand {j}")));
            }
            Where = where;
            OperatorLayer layer = op switch
            {
                OperatorKind.Softmax => OperatorLayer.Softmax(e.Name, operands[0]),
                OperatorKind.Gelu => OperatorLayer.Gelu(e.Name, operands[0]),
                OperatorKind.LayerNorm => OperatorLayer.LayerNorm(e.Name, operands[0], Vector(e.Gamma, "gamma"), Vector(e.Beta, "beta"),
                    e.Epsilon ?? throw Missing("epsilon"), e.NormalizedAxes ?? throw Missing("normalized_axes")),
                _ => OperatorLayer.MatMul(e.Name, operands[0], operands[1]),
            };
            if (!layer.Shape.Equals(shape)) throw new FormatError($"declares shape {shape}, the operator delivers {layer.Shape}");
            return layer;
        }

        private List<Projection> Projections(List<ProjectionEntry>? entries, string where)
        {
            if (entries is null) throw Missing("projections");
            var projections = new List<Projection>(entries.Count);
            for (int j = 0; j < entries.Count; j++)
            {
                Where = $"{where} projection {j}";
                ProjectionEntry p = entries[j] ?? throw new FormatError("null, expected an object");
                var ops = new List<SynapticOp>(p.Ops.Count);
                for (int k = 0; k < p.Ops.Count; k++)
                {
                    Where = $"{where} projection {j} op {k}";
                    ops.Add(Op(p.Ops[k] ?? throw new FormatError("null, expected an object")));
                }
                Where = $"{where} projection {j}";
                if (p.Delay is { } delay && _version < 3)
                {
                    throw new FormatError($"delay = {delay} needs format 3, the file says format {_version}");
                }
                projections.Add(new Projection(p.Source, ops) { Delay = p.Delay ?? 0 });
            }
            return projections;
        }

        private SynapticOp Op(OpEntry o)
        {
            Where += $" ({Quote(o.Kind)})";
            Shape input = new(o.InputShape), output = new(o.OutputShape);
            SynapticOp op = o.Kind switch
            {
                "dense" => new DenseOp(input, Tensor(o.Weight, "weight")),
                "token_dense" when _version >= 5 => new TokenDenseOp(input, Tensor(o.Weight, "weight")),
                "select" when _version >= 5 => new SelectOp(input, o.Map ?? throw Missing("map"), output),
                "token_dense" or "select" => throw new FormatError($"{o.Kind} synapses need format 5, the file says format {_version}"),
                "conv" => new ConvOp(input, Tensor(o.Weight, "weight"), Window(o.Window), o.Groups ?? throw Missing("groups"), output),
                "avgpool" => new AvgPoolOp(input, Window(o.Window), o.CountIncludePad ?? throw Missing("count_include_pad"), output),
                "reshape" => new ReshapeOp(input, output),
                "scale" => new ScaleOp(input, Vector(o.Scale, "scale")),
                "concat" => new ConcatSliceOp(input, o.ChannelOffset ?? throw Missing("channel_offset"), output),
                _ => throw new FormatError($"unknown op kind '{Quote(o.Kind)}'; "
                    + "this build reads dense, token_dense, conv, avgpool, reshape, scale, concat and select"),
            };
            if (!op.OutputShape.Equals(output)) throw new FormatError($"declares output {output}, the op delivers {op.OutputShape}");
            return op;
        }

        private static FormatError Missing(string field) => new($"'{field}' is missing");

        /// <summary>A string from the file, made safe and short enough to quote in a message.</summary>
        private static string Quote(string? text) => ThrowHelper.Printable(text, 80);

        private static Window2d Window(WindowEntry? w) =>
            (w ?? throw Missing("window")).ToWindow() ?? throw new FormatError("window: kernel, stride and dilation need 2 values, pads 4");

        private FloatTensor Tensor(BlobRef? blob, string what)
        {
            if (blob is null) throw Missing(what);
            return new FloatTensor(blob.Shape, Blob(blob, what));
        }

        private float[] Vector(BlobRef? blob, string what)
        {
            if (blob is null) throw Missing(what);
            if (blob.Shape.Length != 1) throw new FormatError($"{what} has shape [{string.Join(", ", blob.Shape)}], expected a vector");
            return Blob(blob, what);
        }

        /// <summary>Reads a blob after checking its declared shape against the limits and the entry's length, before allocating.</summary>
        private float[] Blob(BlobRef blob, string what)
        {
            string outer = Where;
            Where = $"{outer} {what} (entry '{Quote(blob.Entry)}')";
            long count = 1;
            foreach (int d in blob.Shape)
            {
                if (d <= 0) throw new FormatError($"shape [{string.Join(", ", blob.Shape)}]: every dimension must be positive");
                count *= d;
                if (count > MaxBlobElements) throw new FormatError($"shape [{string.Join(", ", blob.Shape)}] "
                    + $"declares over {MaxBlobElements} elements, the limit of one array");
            }
            if (_blobs.TryGetValue(blob.Entry, out float[]? shared))
            {
                if (shared.Length != count) throw new FormatError($"shape [{string.Join(", ", blob.Shape)}] needs {count} values, "
                    + $"the entry holds {shared.Length}");
                Where = outer;
                return shared;
            }
            _totalElements += count;
            if (_totalElements > MaxTotalElements) throw new FormatError($"the blobs declare over {MaxTotalElements} values in all, "
                + "the limit of one file");
            ZipArchiveEntry entry = _zip.GetEntry(blob.Entry) ?? throw new FormatError("entry missing");
            if (entry.Length != count * sizeof(float))
            {
                throw new FormatError($"entry holds {entry.Length} bytes, "
                    + $"shape [{string.Join(", ", blob.Shape)}] needs {count * sizeof(float)}");
            }
            CheckEntrySize(entry, MaxBlobElements * sizeof(float), "the array limit");
            var data = new float[count];
            ReadEntry(entry, MemoryMarshal.AsBytes(data.AsSpan()));
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> bits = MemoryMarshal.Cast<float, int>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
            int bad = FirstNonFinite(data);
            if (bad >= 0) throw new FormatError($"element {bad} is {data[bad]}; values must be finite");
            _blobs.Add(blob.Entry, data);
            Where = outer;
            return data;
        }

        private static void CheckEntrySize(ZipArchiveEntry entry, long limit, string limitName)
        {
            if (entry.Length > limit) throw new FormatError($"entry declares {entry.Length} bytes, over {limitName} of {limit}");
            if (entry.Length > entry.CompressedLength * MaxDeflateRatio + 1024)
            {
                throw new FormatError($"entry declares {entry.Length} bytes from {entry.CompressedLength} compressed bytes; "
                    + "its sizes are corrupt");
            }
        }

        /// <summary>
        /// Fills <paramref name="buffer"/> with the whole entry, which must hold exactly that many bytes and match its
        /// CRC-32 (System.IO.Compression does not check it, so a damaged stored blob would otherwise load silently).
        /// </summary>
        private static void ReadEntry(ZipArchiveEntry entry, Span<byte> buffer)
        {
            using Stream s = entry.Open();
            int got = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (got < buffer.Length) throw new FormatError($"truncated: {got} of {buffer.Length} bytes");
            if (s.ReadByte() >= 0) throw new FormatError($"holds more than the {buffer.Length} bytes it declares");
            uint crc = Crc32.HashToUInt32(buffer);
            if (crc != entry.Crc32) throw new FormatError($"CRC-32 of the data is {crc:x8}, the container records {entry.Crc32:x8}; "
                + "the entry is corrupt");
        }
    }
}
