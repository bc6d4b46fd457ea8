using Ann2Snn.Graph;
using Google.Protobuf;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// Reads an ONNX model (opsets 7–25, each node checked against the version of its op in effect) into a
/// <see cref="ModelGraph"/>. The file is untrusted: every failure is an <see cref="InvalidModelException"/> (malformed,
/// inconsistent or refused content) or an <see cref="UnsupportedOperatorException"/> (operators, versions or attribute
/// values we do not map: all of a model's at once, in <see cref="UnsupportedOperatorException.Blockers"/>), with a
/// one-line message naming the file and, where it applies, the node, its op type and the opset.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Largest file accepted: protobuf messages cannot exceed 2 GiB.</summary>
    public const long MaxFileBytes = int.MaxValue;

    /// <summary>The ONNX operators the importer maps, sorted, comma-separated.</summary>
    public static string SupportedOps => GraphImporter.SupportedOps;

    /// <summary>
    /// Loads the model file at <paramref name="path"/>; tensors it keeps in external files (as PyTorch's dynamo exporter
    /// does, in <c>model.onnx.data</c>) are read from the file's folder, and from nowhere else.
    /// </summary>
    public static ModelGraph Load(string path, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string file = Text.Clean(Path.GetFileName(path));
        byte[] bytes;
        ExternalData external;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) ThrowHelper.InvalidModel($"{file}: file not found ({Text.Clean(path)})");
            if (info.Length > MaxFileBytes)
            {
                ThrowHelper.InvalidModel($"{file}: {info.Length} bytes is more than the {MaxFileBytes}-byte limit of a protobuf model");
            }
            bytes = File.ReadAllBytes(path);
            external = ExternalData.In(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException
            or ArgumentException or NotSupportedException)
        {
            throw new InvalidModelException($"{file}: cannot read the file: {Text.Clean(ex.Message)}", ex);
        }
        return Load(bytes, file, options, external);
    }

    /// <summary>
    /// Loads a model from its serialized bytes; <paramref name="sourceName"/> names it in messages. A model that keeps
    /// tensors in external files is refused: there is no folder to read them from.
    /// </summary>
    public static ModelGraph Load(ReadOnlySpan<byte> bytes, string sourceName, OnnxImportOptions? options = null) =>
        Load(bytes, sourceName, options, ExternalData.None);

    private static ModelGraph Load(ReadOnlySpan<byte> bytes, string sourceName, OnnxImportOptions? options, ExternalData external)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= OnnxImportOptions.Default;
        options.Validate();
        string file = Text.Clean(sourceName);
        if (file.Length == 0) file = "<model>";
        if (bytes.IsEmpty) ThrowHelper.InvalidModel($"{file}: the file is empty");
        if (bytes.Length > MaxFileBytes) ThrowHelper.InvalidModel($"{file}: {bytes.Length} bytes is more than the protobuf limit");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidModelException($"{file}: not a valid ONNX protobuf ({Text.Clean(ex.Message)})", ex);
        }
        try
        {
            return GraphImporter.Import(model, file, options, external);
        }
        catch (Ann2SnnException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A gap in our own checks; the caller still gets a typed, located error.
            throw new InvalidModelException($"{file}: the model could not be imported ({ex.GetType().Name}: {Text.Clean(ex.Message)})", ex);
        }
    }
}
