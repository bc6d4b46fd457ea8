using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tests.TestUtil;
using Google.Protobuf;
using Onnx;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// Tensors kept outside the model (TensorProto.external_data), as the dynamo exporter writes them to model.onnx.data:
/// read from the model's folder, and from nowhere else; every inconsistency refused in one line naming tensor and file.
/// </summary>
public sealed class OnnxExternalDataTests : IDisposable
{
    private static readonly float[] Weight = TestData.Uniform(3, 12);
    private static readonly float[] Bias = [0.25f, -0.5f, 1f];

    private readonly string _root = Directory.CreateTempSubdirectory("ann2snn-external-").FullName;
    private readonly string _dir;

    public OnnxExternalDataTests()
    {
        _dir = Path.Combine(_root, "model");
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>input [N, 4] → Gemm(w [3, 4] transposed, b [3]): w and b embedded.</summary>
    private static OnnxBuilder Embedded() => new OnnxBuilder(18).Input("x", 4)
        .Initializer("w", [3, 4], Weight).Initializer("b", [3], Bias)
        .Node("Gemm", ["x", "w", "b"], "y", OnnxAttr.Int("transB", 1)).Output("y");

    /// <summary>Moves initializer <paramref name="name"/>'s bytes out of the model: external_data with the given entries.</summary>
    private static byte[] Externalize(OnnxBuilder b, string name, params (string Key, string Value)[] entries)
    {
        TensorProto t = b.Graph.Initializer.Single(i => i.Name == name);
        byte[] bytes = t.RawData.ToByteArray();
        t.RawData = ByteString.Empty;
        t.DataLocation = TensorProto.Types.DataLocation.External;
        foreach (var (key, value) in entries) t.ExternalData.Add(new StringStringEntryProto { Key = key, Value = value });
        return bytes;
    }

    private string Save(OnnxBuilder b, string name = "model.onnx")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, b.ToBytes());
        return path;
    }

    private static DenseNode Dense(ModelGraph g) => Assert.Single(g.Nodes.OfType<DenseNode>());

    private static InvalidModelException Refused(string path, params string[] mentions)
    {
        var ex = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(path));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.StartsWith(Path.GetFileName(path) + ": tensor '", ex.Message);
        foreach (string m in mentions) Assert.Contains(m, ex.Message);
        return ex;
    }

    [Fact]
    public void Tensors_in_model_onnx_data_import_as_if_embedded()
    {
        // The dynamo exporter's layout: every tensor in one file beside the model, each at its offset (here after a gap).
        var b = Embedded();
        byte[] w = Externalize(b, "w", ("location", "model.onnx.data"), ("offset", "64"), ("length", "48"));
        byte[] bias = Externalize(b, "b", ("location", "model.onnx.data"), ("offset", "128"), ("length", "12"));
        var data = new byte[140];
        w.CopyTo(data, 64);
        bias.CopyTo(data, 128);
        File.WriteAllBytes(Path.Combine(_dir, "model.onnx.data"), data);

        DenseNode expected = Dense(OnnxTestSupport.Import(Embedded())), actual = Dense(OnnxImporter.Load(Save(b)));
        Assert.Equal(expected.Weight.Data, actual.Weight.Data);
        Assert.Equal(expected.Bias, actual.Bias);
        Assert.Equal(Bias, actual.Bias);
    }

    [Theory]
    [InlineData("weights/w.bin")]
    [InlineData("weights\\w.bin")]
    [InlineData("./weights//w.bin")]
    public void A_location_in_a_subfolder_without_offset_or_length_reads_the_whole_file(string location)
    {
        var b = Embedded();
        byte[] w = Externalize(b, "w", ("location", location));
        Directory.CreateDirectory(Path.Combine(_dir, "weights"));
        File.WriteAllBytes(Path.Combine(_dir, "weights", "w.bin"), w);
        Assert.Equal(Dense(OnnxTestSupport.Import(Embedded())).Weight.Data, Dense(OnnxImporter.Load(Save(b))).Weight.Data);
    }

    [Theory]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("\\\\server\\share\\w.bin", "absolute path")]
    [InlineData("C:\\weights\\w.bin", "absolute path")]
    [InlineData("../outside.bin", "leaves the model's folder ('..')")]
    [InlineData("weights/../../outside.bin", "leaves the model's folder ('..')")]
    [InlineData("..\\outside.bin", "leaves the model's folder ('..')")]
    public void A_location_that_leaves_the_folder_is_refused_before_any_file_is_touched(string location, string reason)
    {
        File.WriteAllBytes(Path.Combine(_root, "outside.bin"), new byte[48]);
        var b = Embedded();
        Externalize(b, "w", ("location", location));
        Refused(Save(b), "'w'", reason);
    }

    [Fact]
    public void A_symbolic_link_that_resolves_outside_the_folder_is_refused()
    {
        string outside = Path.Combine(_root, "secret");
        Directory.CreateDirectory(outside);
        File.WriteAllBytes(Path.Combine(outside, "w.bin"), new byte[48]);
        File.CreateSymbolicLink(Path.Combine(_dir, "file.bin"), Path.Combine(outside, "w.bin"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "dir"), "../secret");

        foreach (string location in new[] { "file.bin", "dir/w.bin" })
        {
            var b = Embedded();
            Externalize(b, "w", ("location", location));
            Refused(Save(b), "'w'", $"'{location}'", "symbolic link to outside the model's folder");
        }

        // A link that stays inside the folder is followed.
        File.WriteAllBytes(Path.Combine(_dir, "real.bin"), Externalize(Embedded(), "w"));
        File.CreateSymbolicLink(Path.Combine(_dir, "inside.bin"), "real.bin");
        var ok = Embedded();
        Externalize(ok, "w", ("location", "inside.bin"));
        Assert.Equal(Weight.Length, Dense(OnnxImporter.Load(Save(ok))).Weight.Data.Length);
    }

    [Theory]
    [InlineData(null, "0", null, "the file does not exist")]
    [InlineData(20, "0", null, "need 48 bytes from offset 0, the file holds 20 to its end (no length given)")]
    [InlineData(60, "0", null, "need 48 bytes from offset 0, the file holds 60 to its end (no length given)")]
    [InlineData(64, "16", "48", null)]
    [InlineData(60, "20", "48", "need 48 bytes from offset 20, the file holds 40")]
    [InlineData(60, "61", "48", "offset 61 is past the end of the file (60 bytes)")]
    [InlineData(60, "0", "40", "length 40 disagrees with dims [3, 4] (48 bytes)")]
    [InlineData(60, "-4", "48", "offset='-4' is not a non-negative integer")]
    [InlineData(60, "0x10", "48", "offset='0x10' is not a non-negative integer")]
    public void Offsets_and_lengths_are_checked_against_the_dims_and_the_file(int? fileBytes, string offset, string? length, string? error)
    {
        var b = Embedded();
        (string, string)[] entries = length is null
            ? [("location", "w.bin"), ("offset", offset)]
            : [("location", "w.bin"), ("offset", offset), ("length", length)];
        byte[] w = Externalize(b, "w", entries);
        if (fileBytes is { } n)
        {
            // 16 bytes of something else, then w, cut or zero-padded to n bytes.
            byte[] content = [.. new byte[16], .. w], file = new byte[n];
            content.AsSpan(0, Math.Min(n, content.Length)).CopyTo(file);
            File.WriteAllBytes(Path.Combine(_dir, "w.bin"), file);
        }
        string path = Save(b);
        // A transB Gemm's Dense weight is w itself ([outputs, inputs]).
        if (error is null) Assert.Equal(Weight, Dense(OnnxImporter.Load(path)).Weight.Data);
        else Refused(path, "tensor 'w' (external file 'w.bin')", error);
    }

    [Fact]
    public void A_lying_length_is_refused_from_the_file_size_without_allocating()
    {
        // Dims of 2^27 floats (512 MiB), length agreeing, and a 48-byte file.
        var b = Embedded();
        Externalize(b, "w", ("location", "w.bin"), ("length", (4L << 27).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        TensorProto w = b.Graph.Initializer.Single(t => t.Name == "w");
        w.Dims[0] = 1 << 25;
        File.WriteAllBytes(Path.Combine(_dir, "w.bin"), new byte[48]);
        string path = Save(b);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Refused(path, "'w'", "need 536870912 bytes from offset 0, the file holds 48");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);

        // Dims beyond the element limit are refused before the file is even looked at.
        var limit = new OnnxImportOptions { MaxTensorElements = 1000 };
        var ex = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(path, limit));
        Assert.Contains("more than the limit of 1000 elements", ex.Message);
    }

    [Fact]
    public void External_data_is_refused_when_the_model_comes_as_bytes()
    {
        var b = Embedded();
        Externalize(b, "w", ("location", "model.onnx.data"));
        var ex = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(b.ToBytes(), "model.onnx"));
        Assert.Equal("model.onnx: tensor 'w' (external file 'model.onnx.data'): the model was loaded from bytes, so there is no "
            + "folder to read the file from; load the model from its file", ex.Message);
    }

    [Fact]
    public void Inconsistent_external_entries_are_refused()
    {
        var noLocation = Embedded();
        Externalize(noLocation, "w", ("offset", "0"));
        Refused(Save(noLocation), "'w' keeps its data in an external file but names none");

        var both = Embedded();
        Externalize(both, "w", ("location", "w.bin"));
        both.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[48]);
        Refused(Save(both), "'w' keeps its data in an external file and also holds data of its own");

        var notExternal = Embedded();
        Externalize(notExternal, "w", ("location", "w.bin"));
        notExternal.Graph.Initializer[0].DataLocation = TensorProto.Types.DataLocation.Default;
        Refused(Save(notExternal), "'w' has external_data entries, but its data_location is not EXTERNAL");
    }

    [Fact]
    public void A_data_file_that_is_a_folder_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "w.bin"));
        var b = Embedded();
        Externalize(b, "w", ("location", "w.bin"));
        Refused(Save(b), "'w'", "is a folder, not a file");
    }
}
