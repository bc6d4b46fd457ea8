using System.Buffers.Binary;
using System.IO.Compression;

namespace Ann2Snn.Fuzz;

/// <summary>
/// The input of the <c>snn-manifest</c> target: a 2-byte little-endian length <c>B</c>, then <c>B</c> bytes of blob
/// records (a 1-byte index <c>i</c>, a 4-byte little-endian length <c>n</c>, then <c>n</c> bytes, stored as entry
/// <c>blobs/iiii.f32</c>), then the manifest JSON (the rest). The harness zips them with correct CRCs, so the fuzzer
/// spends its time on the manifest reader rather than on checksums.
/// </summary>
internal static class SnnEntries
{
    public static byte[] ToContainer(byte[] input)
    {
        int blobLength = input.Length < 2 ? 0 : Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(input), input.Length - 2);
        int at = Math.Min(2, input.Length);
        ReadOnlySpan<byte> blobs = input.AsSpan(at, blobLength);
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "manifest.json", input.AsSpan(at + blobLength), CompressionLevel.Fastest);
            var seen = new HashSet<int>();
            while (blobs.Length >= 5)
            {
                int index = blobs[0];
                int n = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(blobs[1..]), (uint)(blobs.Length - 5));
                if (seen.Add(index))
                {
                    Add(zip, $"blobs/{index:D4}.f32", blobs.Slice(5, n), CompressionLevel.NoCompression);
                }
                blobs = blobs[(5 + n)..];
            }
        }
        return stream.ToArray();
    }

    /// <summary>Turns a .snn container into an input of the <c>snn-manifest</c> target (for its seed corpus).</summary>
    public static byte[] FromContainer(byte[] snn)
    {
        using var zip = new ZipArchive(new MemoryStream(snn, writable: false), ZipArchiveMode.Read);
        var blobs = new MemoryStream();
        byte[] manifest = [];
        Span<byte> head = stackalloc byte[5];
        foreach (ZipArchiveEntry entry in zip.Entries)
        {
            using var data = new MemoryStream();
            using (Stream s = entry.Open())
            {
                s.CopyTo(data);
            }
            if (entry.FullName == "manifest.json")
            {
                manifest = data.ToArray();
                continue;
            }
            string digits = entry.FullName["blobs/".Length..^".f32".Length];
            head[0] = byte.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
            BinaryPrimitives.WriteUInt32LittleEndian(head[1..], (uint)data.Length);
            blobs.Write(head);
            data.Position = 0;
            data.CopyTo(blobs);
        }
        var input = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)blobs.Length));
        input.Write(length);
        blobs.Position = 0;
        blobs.CopyTo(input);
        input.Write(manifest);
        return input.ToArray();
    }

    private static void Add(ZipArchive zip, string name, ReadOnlySpan<byte> data, CompressionLevel level)
    {
        ZipArchiveEntry entry = zip.CreateEntry(name, level);
        using Stream s = entry.Open();
        s.Write(data);
    }
}
