using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// Reads the tensors a model keeps outside itself (<c>data_location = EXTERNAL</c>, <c>external_data</c> keys
/// <c>location</c>, <c>offset</c>, <c>length</c>), as PyTorch's dynamo exporter does in <c>model.onnx.data</c>, from
/// files in the model's folder. The names come from the untrusted model: a location that is absolute, has a ".."
/// segment, or resolves through a symbolic link to outside the folder is refused, and the bytes a tensor needs
/// (elements × element size) are checked against the length and against the file's size before anything is allocated.
/// </summary>
internal sealed class ExternalData
{
    /// <summary>Symbolic links followed while resolving one path before it is refused as a loop.</summary>
    private const int MaxLinks = 40;

    /// <summary>Bytes read per call, so that a span never outgrows an int.</summary>
    private const int Chunk = 1 << 30;

    /// <summary>Separators of a location: ONNX writes '/', a model saved on Windows may hold '\\'.</summary>
    private static readonly char[] Separators = ['/', '\\'];

    private static readonly char[] PathSeparators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];

    /// <summary>The model's folder with every symbolic link along it resolved; null when the model came as bytes.</summary>
    private readonly string? _folder;

    private ExternalData(string? folder) => _folder = folder;

    /// <summary>For a model loaded from bytes: any external tensor is refused, as there is no folder to read it from.</summary>
    public static ExternalData None { get; } = new(null);

    /// <summary>For a model in <paramref name="folder"/>.</summary>
    public static ExternalData In(string folder) => new(RealPath(Path.GetFullPath(folder)));

    /// <summary>
    /// The <paramref name="count"/> elements of external tensor <paramref name="t"/>; errors start with
    /// <paramref name="what"/> ("file: tensor 'w'") and name the data file.
    /// </summary>
    public T[] Read<T>(TensorProto t, string what, int count)
        where T : unmanaged
    {
        var (location, offset, length) = Entries(t, what);
        string where = $"{what} (external file '{Text.Clean(location)}')";
        if (_folder is null)
        {
            ThrowHelper.InvalidModel($"{where}: the model was loaded from bytes, so there is no folder to read the file from; "
                + "load the model from its file");
        }
        long bytes = (long)count * Unsafe.SizeOf<T>();
        if (length is { } l && l != bytes)
        {
            ThrowHelper.InvalidModel($"{where}: length {l} disagrees with dims [{string.Join(", ", t.Dims)}] ({bytes} bytes)");
        }
        try
        {
            string path = Resolve(_folder, location, where);
            if (Directory.Exists(path)) ThrowHelper.InvalidModel($"{where}: the location is a folder, not a file");
            if (!File.Exists(path)) ThrowHelper.InvalidModel($"{where}: the file does not exist");
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long size = RandomAccess.GetLength(handle);
            if (offset > size)
            {
                ThrowHelper.InvalidModel($"{where}: offset {offset} is past the end of the file ({size} bytes)");
            }
            if (length is null ? size - offset != bytes : size - offset < bytes)
            {
                ThrowHelper.InvalidModel($"{where}: dims [{string.Join(", ", t.Dims)}] need {bytes} bytes from offset {offset}, "
                    + $"the file holds {size - offset}{(length is null ? " to its end (no length given)" : "")}");
            }
            var data = new T[count];
            Fill<T>(handle, data, offset, where);
            return data;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException
            or NotSupportedException)
        {
            throw new InvalidModelException($"{where}: cannot read the file: {Text.Clean(ex.Message)}", ex);
        }
    }

    /// <summary>Reads the elements' bytes from <paramref name="offset"/> on, a chunk at a time (a byte span must fit an int).</summary>
    private static void Fill<T>(SafeFileHandle handle, Span<T> data, long offset, string where)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>(), perChunk = Chunk / size;
        for (int i = 0; i < data.Length; i += perChunk)
        {
            Span<byte> chunk = MemoryMarshal.AsBytes(data.Slice(i, Math.Min(perChunk, data.Length - i)));
            long at = offset + ((long)i * size);
            for (int done = 0; done < chunk.Length;)
            {
                int read = RandomAccess.Read(handle, chunk[done..], at + done);
                if (read == 0) ThrowHelper.InvalidModel($"{where}: the file ended after {at + done} bytes while it was read");
                done += read;
            }
            if (!BitConverter.IsLittleEndian)
            {
                for (int k = 0; k < chunk.Length; k += size) chunk.Slice(k, size).Reverse();
            }
        }
    }

    /// <summary>location (required), offset (default 0) and length (default: to the end of the file).</summary>
    private static (string Location, long Offset, long? Length) Entries(TensorProto t, string what)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (StringStringEntryProto e in t.ExternalData) entries[e.Key] = e.Value;
        string location = entries.GetValueOrDefault("location") is { Length: > 0 } l
            ? l
            : ThrowHelper.InvalidModel<string>($"{what} keeps its data in an external file but names none");
        string where = $"{what} (external file '{Text.Clean(location)}')";
        long offset = entries.TryGetValue("offset", out string? o) ? Number("offset", o, where) : 0;
        long? length = entries.TryGetValue("length", out string? n) ? Number("length", n, where) : null;
        return (location, offset, length);
    }

    private static long Number(string key, string value, string where) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long v)
            ? v
            : ThrowHelper.InvalidModel<long>($"{where}: {key}='{Text.Clean(value)}' is not a non-negative integer");

    /// <summary>
    /// The data file's path, links resolved, when <paramref name="location"/> names a file inside
    /// <paramref name="folder"/>; refuses one that leaves it.
    /// </summary>
    private static string Resolve(string folder, string location, string where)
    {
        if (location.Contains('\0')) ThrowHelper.InvalidModel($"{where}: the location holds a NUL character");
        if (Path.IsPathRooted(location) || location[0] is '/' or '\\' || (location.Length > 1 && location[1] == ':'))
        {
            ThrowHelper.InvalidModel($"{where}: the location is an absolute path; it must be relative to the model's folder");
        }
        string[] parts = location.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Contains("..")) ThrowHelper.InvalidModel($"{where}: the location leaves the model's folder ('..')");
        string path = RealPath(Path.Combine([folder, .. parts]));
        if (!path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar,
            StringComparison.Ordinal))
        {
            ThrowHelper.InvalidModel($"{where}: the location resolves through a symbolic link to outside the model's folder");
        }
        return path;
    }

    /// <summary>
    /// <paramref name="fullPath"/> with every symbolic link along it resolved, component by component (a missing
    /// component ends the resolution there: the file need not exist).
    /// </summary>
    private static string RealPath(string fullPath)
    {
        string root = Path.GetPathRoot(fullPath) ?? "";
        var pending = new Stack<string>(fullPath[root.Length..].Split(PathSeparators, StringSplitOptions.RemoveEmptyEntries).Reverse());
        string current = root;
        int links = 0;
        while (pending.TryPop(out string? part))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Combine(current, part);
            string? target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"more than {MaxLinks} symbolic links along '{fullPath}'");
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target) ?? current;
            string[] targetParts = target[(Path.IsPathRooted(target) ? (Path.GetPathRoot(target) ?? "").Length : 0)..]
                .Split(PathSeparators, StringSplitOptions.RemoveEmptyEntries);
            for (int i = targetParts.Length - 1; i >= 0; i--) pending.Push(targetParts[i]);
        }
        return current;
    }
}
