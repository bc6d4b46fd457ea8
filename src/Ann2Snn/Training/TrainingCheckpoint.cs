using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ann2Snn.Snn;

namespace Ann2Snn.Training;

/// <summary>
/// A fine-tuning run's state after a whole epoch, in a folder: <c>epoch-K.snn</c> (the network), <c>epoch-K.moments</c> (the
/// optimizer's moments, little-endian float32, parameter after parameter, first then second) and <c>checkpoint.json</c>, written
/// last and atomically, which names them with their SHA-256, the epoch, the optimizer's step count, the architecture's
/// fingerprint and the epochs' records. Until the new <c>checkpoint.json</c> is in place the previous one and its files stand,
/// so an interrupted run always leaves the last complete checkpoint; older epoch files are removed after.
/// </summary>
public static class TrainingCheckpoint
{
    public const string FileName = "checkpoint.json";
    private const string Format = "ann2snn-finetune-checkpoint";
    private const long MaxStateBytes = 1L << 20;

    /// <summary>What a checkpoint restores.</summary>
    public sealed record State(int Epoch, long Steps, string Fingerprint, SpikingNetwork Network, float[][] First, float[][] Second,
        IReadOnlyList<EpochRecord> History);

    /// <summary>Writes the checkpoint of <paramref name="epoch"/> into <paramref name="folder"/> (created if missing).</summary>
    public static void Save(string folder, int epoch, TrainableNetwork network, Optimizer optimizer, IReadOnlyList<EpochRecord> history)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        Directory.CreateDirectory(folder);
        string snn = $"epoch-{epoch}.snn", moments = $"epoch-{epoch}.moments";
        AtomicFile.Write(Path.Combine(folder, snn), s => SnnFile.Save(network.ToNetwork(), s));
        AtomicFile.Write(Path.Combine(folder, moments), s =>
        {
            using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
            foreach (float[] a in optimizer.First.Concat(optimizer.Second))
            {
                foreach (float v in a) w.Write(v);
            }
        });
        var record = new Record
        {
            Format = Format,
            Epoch = epoch,
            Steps = optimizer.Steps,
            Fingerprint = network.Fingerprint,
            Optimizer = optimizer.Options.Kind.ToString().ToLowerInvariant(),
            Network = snn,
            NetworkSha256 = Hash(Path.Combine(folder, snn)),
            Moments = moments,
            MomentsSha256 = Hash(Path.Combine(folder, moments)),
            Sizes = [.. network.Parameters.Select(p => p.Values.Length)],
            History = [.. history],
        };
        AtomicFile.Write(Path.Combine(folder, FileName), s => JsonSerializer.Serialize(s, record, Options));
        foreach (string old in Directory.EnumerateFiles(folder, "epoch-*.*"))
        {
            string name = Path.GetFileName(old);
            if (name != snn && name != moments && (name.EndsWith(".snn", StringComparison.Ordinal)
                || name.EndsWith(".moments", StringComparison.Ordinal)))
            {
                File.Delete(old);
            }
        }
    }

    /// <summary>Whether <paramref name="folder"/> holds a checkpoint.</summary>
    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, FileName));

    /// <summary>
    /// Reads the checkpoint in <paramref name="folder"/> for a run of <paramref name="fingerprint"/>'s architecture with
    /// <paramref name="kind"/> and parameters of <paramref name="sizes"/>; throws <see cref="InvalidModelException"/> naming the
    /// folder when it is from another network or optimizer, or its files are damaged or do not match.
    /// </summary>
    public static State Load(string folder, string fingerprint, OptimizerKind kind, IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        string where = $"checkpoint '{folder}'";
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) ThrowHelper.InvalidModel($"{where}: no {FileName} (nothing to resume)");
        if (new FileInfo(path).Length > MaxStateBytes) ThrowHelper.InvalidModel($"{where}: {FileName} is larger than any checkpoint");
        Record? r;
        try
        {
            r = JsonSerializer.Deserialize<Record>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new InvalidModelException($"{where}: {FileName} is not a checkpoint ({e.Message})");
        }
        if (r is null || r.Format != Format || r.Network is null || r.Moments is null || r.Sizes is null)
        {
            throw new InvalidModelException($"{where}: {FileName} is not a fine-tuning checkpoint");
        }
        if (r.Fingerprint != fingerprint)
        {
            ThrowHelper.InvalidModel($"{where}: taken from another network (architecture {r.Fingerprint}, this one {fingerprint})");
        }
        if (r.Optimizer != kind.ToString().ToLowerInvariant())
        {
            ThrowHelper.InvalidModel(
                $"{where}: written by the {r.Optimizer} optimizer, this run uses {kind.ToString().ToLowerInvariant()}");
        }
        if (!r.Sizes.SequenceEqual(sizes)) ThrowHelper.InvalidModel($"{where}: its parameters do not have this network's sizes");
        string snn = Inside(folder, r.Network, where), moments = Inside(folder, r.Moments, where);
        if (Hash(snn) != r.NetworkSha256 || Hash(moments) != r.MomentsSha256)
        {
            ThrowHelper.InvalidModel($"{where}: {r.Network} or {r.Moments} does not match its SHA-256 in {FileName} (damaged?)");
        }
        SpikingNetwork network = SnnFile.Load(snn);
        int sets = kind == OptimizerKind.Adam ? 2 : 1;
        long floats = sizes.Sum(s => (long)s) * sets;
        if (new FileInfo(moments).Length != floats * 4)
        {
            ThrowHelper.InvalidModel($"{where}: {r.Moments} holds {new FileInfo(moments).Length} bytes, expected {floats * 4}");
        }
        float[][] first = [.. sizes.Select(s => new float[s])], second = sets == 2 ? [.. sizes.Select(s => new float[s])] : [];
        using (var reader = new BinaryReader(File.OpenRead(moments)))
        {
            foreach (float[] a in first.Concat(second))
            {
                for (int i = 0; i < a.Length; i++) a[i] = reader.ReadSingle();
            }
        }
        return new State(r.Epoch, r.Steps, r.Fingerprint, network, first, second, r.History ?? []);
    }

    private static string Inside(string folder, string name, string where)
    {
        if (name != Path.GetFileName(name) || name.Length == 0) ThrowHelper.InvalidModel($"{where}: names a file outside its folder");
        string path = Path.Combine(folder, name);
        if (!File.Exists(path)) ThrowHelper.InvalidModel($"{where}: {ThrowHelper.Printable(name)} is missing");
        return path;
    }

    private static string Hash(string path)
    {
        using FileStream s = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private sealed class Record
    {
        public string? Format { get; set; }
        public int Epoch { get; set; }
        public long Steps { get; set; }
        public string? Fingerprint { get; set; }
        public string? Optimizer { get; set; }
        public string? Network { get; set; }
        public string? NetworkSha256 { get; set; }
        public string? Moments { get; set; }
        public string? MomentsSha256 { get; set; }
        public int[]? Sizes { get; set; }
        public List<EpochRecord>? History { get; set; }
    }
}
