using System.Buffers.Binary;
using Ann2Snn.Data;
using Ann2Snn.Onnx;
using Ann2Snn.Snn;
using Google.Protobuf;

namespace Ann2Snn.Fuzz;

/// <summary>
/// The loaders under test. The data readers take paths, so their inputs are written to a scratch folder
/// (<c>FUZZ_TMP</c>, else /dev/shm or the temp folder) first. A pair of files (IDX, NPY) travels as one input:
/// a 2-byte little-endian length <c>L</c>, the labels file (<c>L</c> bytes), then the images file.
/// </summary>
internal static class Targets
{
    private const string OnnxName = "fuzz.onnx";
    private const string SnnName = "fuzz.snn";
    private const int BatchSize = 8;

    private static readonly Lazy<string> ScratchDir = new(CreateScratch);

    public static IReadOnlyList<Target> All { get; } =
    [
        new Target
        {
            Name = "onnx",
            Summary = "OnnxImporter.Load(bytes): an ONNX model",
            Load = bytes => OnnxImporter.Load(bytes, OnnxName),
            ExpectedCause = e => e is InvalidProtocolBufferException or Ann2SnnException,
            MessagePrefix = () => OnnxName + ": ",
        },
        new Target
        {
            Name = "idx",
            Summary = "IdxDataset.Open(images, labels): labels and images IDX files (raw or gzip), length-prefixed",
            Load = bytes => WritePair(bytes, "labels.idx", "images.idx", (images, labels) => IdxDataset.Open(images, labels)),
            ExpectedCause = IsIOCause,
            MessagePrefix = () => ScratchDir.Value,
        },
        new Target
        {
            Name = "npy",
            Summary = "NpyDataset.Open(images, labels): labels and images .npy files, length-prefixed",
            Load = bytes => WritePair(bytes, "labels.npy", "images.npy", (images, labels) => NpyDataset.Open(images, labels)),
            ExpectedCause = IsIOCause,
            MessagePrefix = () => ScratchDir.Value,
        },
        new Target
        {
            Name = "npz",
            Summary = "NpyDataset.OpenNpz(path, Test): an .npz archive",
            Load = bytes =>
            {
                string path = Path.Combine(ScratchDir.Value, "data.npz");
                File.WriteAllBytes(path, bytes);
                ReadAll(NpyDataset.OpenNpz(path, DatasetSplit.Test));
            },
            ExpectedCause = IsIOCause,
            MessagePrefix = () => ScratchDir.Value,
        },
        new Target
        {
            Name = "snn",
            Summary = "SnnFile.Load(stream): a .snn container as stored",
            Load = bytes => RoundTrip(SnnFile.Load(new MemoryStream(bytes, writable: false), SnnName)),
            ExpectedCause = IsSnnCause,
            MessagePrefix = () => SnnName + ": ",
        },
        new Target
        {
            Name = "snn-manifest",
            Summary = "SnnFile.Load(stream) of a container rebuilt with valid CRCs from blob records and a manifest (see SnnEntries)",
            Load = bytes => RoundTrip(SnnFile.Load(new MemoryStream(SnnEntries.ToContainer(bytes), writable: false), SnnName)),
            ExpectedCause = IsSnnCause,
            MessagePrefix = () => SnnName + ": ",
        },
    ];

    public static Target? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    private static bool IsIOCause(Exception e) => e is IOException or InvalidDataException;

    private static bool IsSnnCause(Exception e) =>
        e is IOException or InvalidDataException or System.Text.Json.JsonException or Ann2SnnException;

    private static string CreateScratch()
    {
        string? root = Environment.GetEnvironmentVariable("FUZZ_TMP");
        if (string.IsNullOrEmpty(root))
        {
            root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        }
        string dir = Path.Combine(root, $"ann2snn-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return dir + Path.DirectorySeparatorChar;
    }

    /// <summary>Splits a length-prefixed pair into two scratch files, opens them and reads every batch.</summary>
    private static void WritePair(byte[] bytes, string labelsName, string imagesName, Func<string, string, IDataset> open)
    {
        int labelsLength = bytes.Length < 2 ? 0 : Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(bytes), bytes.Length - 2);
        int at = Math.Min(2, bytes.Length);
        string labels = Path.Combine(ScratchDir.Value, labelsName);
        string images = Path.Combine(ScratchDir.Value, imagesName);
        File.WriteAllBytes(labels, bytes.AsSpan(at, labelsLength));
        File.WriteAllBytes(images, bytes.AsSpan(at + labelsLength));
        ReadAll(open(images, labels));
    }

    /// <summary>Reads every batch of a data set that opened, checking that what it delivers is what it announced.</summary>
    private static void ReadAll(IDataset ds)
    {
        int size = ds.SampleShape.Size;
        Harness.Require(ds.Count > 0 && size > 0, $"opened a data set of {ds.Count} samples of {ds.SampleShape}");
        int seen = 0;
        foreach (DataBatch batch in ds.Batches(BatchSize))
        {
            Harness.Require(batch.Count is > 0 and <= BatchSize && batch.Labels.Length == batch.Count,
                $"batch of {batch.Count} samples with {batch.Labels.Length} labels");
            Harness.Require(batch.Data.Length == batch.Count * size,
                $"batch of {batch.Count} samples holds {batch.Data.Length} values, expected {batch.Count}×{size}");
            Harness.Require(Array.TrueForAll(batch.Data, float.IsFinite), "a non-finite sample value was loaded");
            Harness.Require(Array.TrueForAll(batch.Labels, l => l >= 0 && l < ds.ClassCount),
                $"a label outside [0, {ds.ClassCount}) was loaded");
            seen += batch.Count;
        }
        Harness.Require(seen == ds.Count, $"read {seen} samples of the {ds.Count} announced");
    }

    /// <summary>
    /// A network that loaded must save (the writer accepts everything the reader accepts), and load back to a
    /// network that saves to the same bytes (the reader drops or misreads nothing).
    /// </summary>
    private static void RoundTrip(SpikingNetwork network)
    {
        byte[] first = Save(network, "the loaded network");
        SpikingNetwork again = SnnFile.Load(new MemoryStream(first, writable: false), "resaved.snn");
        byte[] second = Save(again, "the reloaded network");
        Harness.Require(first.AsSpan().SequenceEqual(second), "the network saved, reloaded and saved again differs from the first save");
    }

    private static byte[] Save(SpikingNetwork network, string what)
    {
        using var stream = new MemoryStream();
        try
        {
            SnnFile.Save(network, stream);
        }
        catch (Ann2SnnException ex)
        {
            throw new FindingException($"snn: {what} cannot be saved: {ex.Message}", ex);
        }
        return stream.ToArray();
    }
}
