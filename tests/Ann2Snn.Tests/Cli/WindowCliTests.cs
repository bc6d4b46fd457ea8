using System.Text.Json;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Cli;

/// <summary>When eval tunes the conversion for its window, and that it says so.</summary>
public class WindowCliTests
{
    private static readonly string Mlp = Zoo.ModelPath("mnist_mlp");
    private static readonly string Qcfs = Zoo.ModelPath("mnist_lenet_qcfs");

    private static JsonElement Eval(string model, params string[] extra)
    {
        var r = CliContractTests.Run(["eval", model, "--data", "mnist", "--limit", "16", "--calib-images", "48", "--json", .. extra]);
        Assert.True(r.Code == 0, r.Err);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static int? Window(JsonElement json) =>
        json.GetProperty("optimized_for").ValueKind == JsonValueKind.Null ? null : json.GetProperty("optimized_for").GetInt32();

    [Fact]
    public void ShortWindowsAreTunedUnlessTold()
    {
        JsonElement tuned = Eval(Mlp, "-T", "4");
        Assert.Equal(4, Window(tuned));
        Assert.Contains(tuned.GetProperty("tuning").EnumerateArray(), c => c.GetString()!.StartsWith("layer-wise calibration: advanced",
            StringComparison.Ordinal));
        Assert.Null(Window(Eval(Mlp, "-T", "4", "--optimize-for", "none")));
        Assert.Null(Window(Eval(Mlp, "-T", "64")));
        Assert.Equal(64, Window(Eval(Mlp, "-T", "8", "--optimize-for", "64", "--calibrate", "none")));
    }

    [Fact]
    public void QuantizedActivationsAreTunedAtEveryWindowButTheirLevels()
    {
        Assert.Equal(48, Window(Eval(Qcfs, "-T", "48", "--calibrate", "light")));
        Assert.Null(Window(Eval(Qcfs, "-T", "8", "--optimize-for", "none")));
        Assert.Equal(8, Window(Eval(Qcfs, "-T", "8")));
    }
}
