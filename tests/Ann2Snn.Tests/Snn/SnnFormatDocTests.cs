using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Snn;

/// <summary>
/// Keeps docs/snn-format.md and the writer in step: every object table of the document lists exactly the members the
/// manifest types have and the writer writes, the kinds and enum values are those the code knows, the newest version
/// is the writer's, and the document's example is a file the reader loads.
/// </summary>
public sealed partial class SnnFormatDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(Zoo.RepositoryRoot, "docs", "snn-format.md"));

    /// <summary>The document's object tables: heading "### Object: NAME" → the backticked names of the first column.</summary>
    private static Dictionary<string, string[]> Tables()
    {
        var tables = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string[] lines = Doc.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Match heading = ObjectHeading().Match(lines[i]);
            if (!heading.Success) continue;
            var fields = new List<string>();
            int j = i + 1;
            while (j < lines.Length && !lines[j].StartsWith('|')) j++;
            for (j += 2; j < lines.Length && lines[j].StartsWith('|'); j++)
            {
                Match field = FieldCell().Match(lines[j]);
                Assert.True(field.Success, $"docs/snn-format.md: row '{lines[j]}' of object '{heading.Groups[1].Value}' has no `field`");
                fields.Add(field.Groups[1].Value);
            }
            tables.Add(heading.Groups[1].Value.Trim(), [.. fields]);
        }
        return tables;
    }

    /// <summary>The manifest type each documented object is written from.</summary>
    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["manifest"] = typeof(SnnManifest),
        ["layer"] = typeof(LayerEntry),
        ["neuron"] = typeof(NeuronEntry),
        ["projection"] = typeof(ProjectionEntry),
        ["operand"] = typeof(OperandEntry),
        ["op"] = typeof(OpEntry),
        ["window"] = typeof(WindowEntry),
        ["blob reference"] = typeof(BlobRef),
    };

    private static string[] JsonNames(Type type) =>
        [.. type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name))];

    [Fact]
    public void EveryManifestTypeHasATableWithExactlyItsMembers()
    {
        Dictionary<string, string[]> tables = Tables();
        Assert.Equal(Types.Keys.Order(StringComparer.Ordinal), tables.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, type) in Types)
        {
            Assert.True(JsonNames(type).Order(StringComparer.Ordinal).SequenceEqual(tables[name].Order(StringComparer.Ordinal)),
                $"object '{name}': the document lists {string.Join(", ", tables[name])}; "
                + $"{type.Name} has {string.Join(", ", JsonNames(type))}");
        }
    }

    [Fact]
    public void WhatTheWriterWritesIsDocumentedAndEveryDocumentedMemberIsWritten()
    {
        // Between them these networks use every layer and op kind and every optional member.
        SpikingNetwork allKinds = SnnFileTests.AllKinds();
        var burst = (NeuronLayer)allKinds.Layers[0];
        var signedBurst = new SpikingNetwork("burst", allKinds.InputShape,
        [
            new NeuronLayer("b", burst.Shape, burst.Neuron with { BurstLimit = 3, Reset = ResetMode.BySubtraction, InitialFraction = 0 },
                burst.Projections, burst.Bias),
            new NeuronLayer("s", burst.Shape, NeuronParameters.IntegrateAndFire() with { SignedSpikes = true },
                [new Projection(0, [new ReshapeOp(burst.Shape, burst.Shape)]),
                    new Projection(1, [new ReshapeOp(burst.Shape, burst.Shape)]) { Delay = 2 }], burst.Bias, [0.1f]),
        ]);
        var written = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (SpikingNetwork net in new[] { allKinds, signedBurst, SnnFileTests.Operators(), SnnFileTests.Tokens() })
        {
            Collect(written, "manifest", Manifest(net));
        }
        Dictionary<string, string[]> tables = Tables();
        foreach (var (name, fields) in tables)
        {
            Assert.True(written.TryGetValue(name, out HashSet<string>? seen), $"object '{name}' was never written");
            Assert.True(seen.SetEquals(fields), $"object '{name}': the document lists {string.Join(", ", fields.Order())}; "
                + $"the writer wrote {string.Join(", ", seen.Order())}");
        }
    }

    /// <summary>Walks a manifest, recording the members of each object under the document's name for it.</summary>
    private static void Collect(Dictionary<string, HashSet<string>> written, string name, JsonObject obj)
    {
        if (!written.TryGetValue(name, out HashSet<string>? members)) written[name] = members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            members.Add(key);
            string? child = (name, key) switch
            {
                ("manifest", "layers") => "layer",
                ("layer", "neuron") => "neuron",
                ("layer" or "operand", "projections") => "projection",
                ("layer", "operands") => "operand",
                ("projection", "ops") => "op",
                (_, "window") => "window",
                (_, "bias" or "weight" or "scale" or "negative_gain" or "gamma" or "beta") => "blob reference",
                _ => null,
            };
            if (child is null) continue;
            if (value is JsonArray array)
            {
                foreach (JsonNode? item in array) Collect(written, child, item!.AsObject());
            }
            else
            {
                Collect(written, child, value!.AsObject());
            }
        }
    }

    private static JsonObject Manifest(SpikingNetwork net)
    {
        var stream = new MemoryStream();
        SnnFile.Save(net, stream);
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        using Stream s = zip.GetEntry("manifest.json")!.Open();
        return JsonNode.Parse(s)!.AsObject();
    }

    private static string[] KindsRow(string what)
    {
        Match row = Regex.Match(Doc, $@"^\| {Regex.Escape(what)} \| (.+) \|$", RegexOptions.Multiline);
        Assert.True(row.Success, $"docs/snn-format.md has no row '{what}' in its table of kinds");
        return [.. Regex.Matches(row.Groups[1].Value, "`([^`]+)`").Select(m => m.Groups[1].Value)];
    }

    private static string Snake<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    [Fact]
    public void KindsAndEnumValuesAreThoseOfTheCode()
    {
        Assert.Equal(Enum.GetValues<ResetMode>().Select(Snake), KindsRow("reset modes"));
        Assert.Equal(Enum.GetValues<MaxPoolScheme>().Select(Snake), KindsRow("max-pool schemes"));
        Assert.Equal(NeuronModels.All.Select(m => m.Name), KindsRow("neuron kinds"));
        Assert.Equal(Enum.GetValues<Ann2Snn.Simulation.SynapseModel>().Select(Ann2Snn.Simulation.SynapseMetadata.Name),
            KindsRow("synapse models"));
        SpikingNetwork all = SnnFileTests.AllKinds();
        Assert.Equal(all.Layers.Concat(SnnFileTests.Operators().Layers).Select(l => l.Kind).Distinct().Order(StringComparer.Ordinal),
            KindsRow("layer kinds").Order(StringComparer.Ordinal));
        Assert.Equal(Enum.GetValues<OperatorKind>().Select(OperatorLayer.NameOf), KindsRow("operators"));
        Assert.Equal(all.Layers.Concat(SnnFileTests.Tokens().Layers).SelectMany(SpikingNetwork.ProjectionsOf).SelectMany(p => p.Ops)
            .Select(o => o.Kind).Distinct().Order(StringComparer.Ordinal), KindsRow("op kinds").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NewestVersionIsTheWritersAndFormatNameMatches()
    {
        Assert.Contains($"this build reads up to **{SnnFile.FormatVersion}**", Doc, StringComparison.Ordinal);
        Assert.Contains($"always `{SnnFile.FormatName}`", Doc, StringComparison.Ordinal);
        string[] versions = [.. Regex.Matches(Doc, @"^\| (\d+) \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
        Assert.Equal(Enumerable.Range(1, SnnFile.FormatVersion).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            versions);
    }

    [Fact]
    public void TheExampleIsAFileTheReaderLoads()
    {
        Match example = Regex.Match(Doc, "```json\n(.*?)```", RegexOptions.Singleline);
        Assert.True(example.Success);
        JsonObject manifest = JsonNode.Parse(example.Groups[1].Value)!.AsObject();
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (Stream s = zip.CreateEntry("manifest.json").Open()) s.Write(Encoding.UTF8.GetBytes(manifest.ToJsonString()));
            foreach (JsonNode blob in manifest["layers"]!.AsArray().SelectMany(Blobs))
            {
                int count = blob["shape"]!.AsArray().Aggregate(1, (n, d) => n * (int)d!);
                using Stream s = zip.CreateEntry((string)blob["entry"]!, CompressionLevel.NoCompression).Open();
                s.Write(new byte[4 * count]);
            }
        }
        stream.Position = 0;
        SpikingNetwork net = SnnFile.Load(stream, "example");
        Assert.Equal(["fc1", "fc2"], net.Layers.Select(l => l.Name));
        Assert.Equal(1, SnnFile.VersionOf(net));
    }

    private static IEnumerable<JsonNode> Blobs(JsonNode? layer) =>
        new[] { layer!["bias"]! }.Concat(layer["projections"]!.AsArray().SelectMany(p => p!["ops"]!.AsArray())
            .Select(o => o!["weight"]).OfType<JsonNode>());

    [GeneratedRegex(@"^### Object: (.+)$")]
    private static partial Regex ObjectHeading();

    [GeneratedRegex(@"^\| `([a-z_]+)` \|")]
    private static partial Regex FieldCell();
}
