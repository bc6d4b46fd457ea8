using System.Text.Json;
using Ann2Snn.Cli;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;
using static Ann2Snn.Tests.Cli.CliContractTests;

namespace Ann2Snn.Tests.Cli;

/// <summary>--json stays one valid JSON object on stdout at any console width; inspect lists every blocker of a refused model.</summary>
public sealed class CliJsonAndBlockersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ann2snn-cli-json-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Mlp => Path.Combine(Zoo.RepositoryRoot, "models", "mnist_mlp.onnx");

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Every command that takes --json, each on a few images so that the whole theory stays fast.</summary>
    public static TheoryData<string> Commands => ["inspect", "ann", "convert", "eval", "demo", "bench"];

    private string[] Arguments(string command) => command switch
    {
        "inspect" => ["inspect", Mlp],
        "ann" => ["ann", Mlp, "--data", "mnist", "--limit", "16"],
        "convert" => ["convert", Mlp, "--calib", "mnist", "--calib-images", "32", "-o", Path.Combine(_dir, "mlp.snn")],
        "eval" => ["eval", Mlp, "--data", "mnist", "--limit", "16", "-T", "8", "--calib-images", "32"],
        "demo" => ["demo", "--model", Mlp, "--limit", "16", "-T", "8", "--calib-images", "32", "--report", Path.Combine(_dir, "report")],
        _ => ["bench", Mlp, "--data", "mnist", "-T", "4", "--images", "8", "--calib-images", "32", "--repetitions", "1", "--threads", "1"],
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Json_is_valid_on_a_30_column_console_for_every_command(string command)
    {
        var r = RunAt(30, [.. Arguments(command), "--json"]);
        Assert.True(r.Code == CliApp.ExitOk, $"exit {r.Code}: {r.Err}");
        // One object and nothing else: text from the renderer (tables, rules, wrapped lines) before or after fails Parse.
        using JsonDocument json = JsonDocument.Parse(r.Out);
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
    }

    /// <summary>Opset 10: two Upsample nodes, a BatchNormalization with spatial=0 and a Gemm with transA=1.</summary>
    private static OnnxBuilder Refused() => new OnnxBuilder(10).Input("x", 2, 2, 2)
        .Initializer("scales", [4], [1, 1, 2, 2])
        .NamedNode("up1", "Upsample", ["x", "scales"], ["u1"]).NamedNode("up2", "Upsample", ["u1", "scales"], ["u2"])
        .Initializer("s", [2], [1, 1]).Initializer("b", [2], [0, 0]).Initializer("m", [2], [0, 0]).Initializer("v", [2], [1, 1])
        .NamedNode("bn", "BatchNormalization", ["u2", "s", "b", "m", "v"], ["n"], OnnxAttr.Int("spatial", 0))
        .Node("Flatten", ["n"], "f").Initializer("w", [32, 3], TestData.Uniform(1, 96))
        .NamedNode("fc", "Gemm", ["f", "w"], ["y"], OnnxAttr.Int("transA", 1)).Output("y");

    [Fact]
    public void Inspect_of_a_refused_model_lists_every_blocker_one_line_per_op_and_exits_2()
    {
        var r = Run("inspect", Write("refused.onnx", Refused().ToBytes()));
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        string[] lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "refused.onnx: not imported, 4 blockers:",
            "  • Upsample ×2 (nodes 'up1', 'up2': deprecated since opset 10; use Resize)",
            "  • BatchNormalization-9 ×1 (node 'bn': attribute 'spatial' is not defined by BatchNormalization-9 "
                + "(it has epsilon, momentum))",
            "  • Gemm-9 ×1 (node 'fc': transA=1 (the input must be [N, K]))",
        ], lines);
        string error = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ann2snn: error: refused.onnx: 4 blockers: Upsample ×2", error);
    }

    [Fact]
    public void Inspect_json_of_a_refused_model_is_an_object_of_the_blockers_and_exits_2()
    {
        string model = Write("refused.onnx", Refused().ToBytes());
        var r = RunAt(30, "inspect", model, "--json");
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        JsonElement json = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(model, json.GetProperty("model").GetString());
        Assert.False(json.GetProperty("imported").GetBoolean());
        JsonElement[] blockers = [.. json.GetProperty("blockers").EnumerateArray()];
        Assert.Equal(["Upsample", "BatchNormalization", "Gemm"], blockers.Select(b => b.GetProperty("op").GetString()));
        Assert.Equal(JsonValueKind.Null, blockers[0].GetProperty("version").ValueKind);
        Assert.Equal(9, blockers[2].GetProperty("version").GetInt32());
        Assert.Equal(2, blockers[0].GetProperty("count").GetInt32());
        Assert.Equal(["up1", "up2"], blockers[0].GetProperty("nodes").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("transA=1 (the input must be [N, K])", blockers[2].GetProperty("reason").GetString());
    }

    [Fact]
    public void Inspect_of_an_imported_model_lists_every_preflight_blocker()
    {
        // Two clips with a negative lower bound after a weighted layer: each its own pre-flight blocker, both printed (on the
        // input itself they would be the input encoding's).
        var b = new OnnxBuilder(13).Input("x", 4)
            .Initializer("w", [4, 4], [.. Enumerable.Range(0, 16).Select(i => i % 5 == 0 ? 1f : 0f)])
            .Initializer("lo", [], [-1f]).Initializer("hi", [], [1f]).NamedNode("fc", "Gemm", ["x", "w"], ["h"])
            .NamedNode("clip1", "Clip", ["h", "lo", "hi"], ["c1"]).NamedNode("clip2", "Clip", ["c1", "lo", "hi"], ["y"]).Output("y");
        var r = Run("inspect", Write("clips.onnx", b.ToBytes()));
        Assert.Equal(CliApp.ExitOk, r.Code);
        Assert.Contains("not convertible to an SNN:", r.Out);
        Assert.Contains("node 'clip1' (Clip): clip with lower bound -1 ≠ 0", r.Out);
        Assert.Contains("node 'clip2' (Clip): clip with lower bound -1 ≠ 0", r.Out);
    }
}
