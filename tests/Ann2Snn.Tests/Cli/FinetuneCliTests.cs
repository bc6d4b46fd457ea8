using System.Text.Json;
using Ann2Snn.Cli;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Cli;

/// <summary>
/// <c>ann2snn finetune</c> on a zoo model and a few images: the JSON, a .snn that <c>eval</c> reads and scores as fine-tuning did,
/// checkpoints and resume, direct training, and every bad input exiting 2 with one line and no output file.
/// </summary>
public sealed class FinetuneCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ann2snn-finetune-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Fast =
        ["--data", "mnist", "--limit", "48", "--test-limit", "40", "--batch", "16", "--calib-images", "64", "-T", "3"];

    [Fact]
    public void TheTunedNetworkIsScoredByEvalAsFinetuneScoredIt()
    {
        string output = Path.Combine(_dir, "tuned.snn");
        var r = CliContractTests.Run(["finetune", Zoo.ModelPath("mnist_lenet_bn"), .. Fast, "--json", "-o", output]);
        Assert.True(r.Code == CliApp.ExitOk, r.Err);
        using JsonDocument doc = JsonDocument.Parse(r.Out);
        JsonElement json = doc.RootElement;
        Assert.Equal(48, json.GetProperty("train_images").GetInt32());
        Assert.Equal(40, json.GetProperty("test_images").GetInt32());
        JsonElement epoch = json.GetProperty("epochs")[0];
        Assert.Equal(3, epoch.GetProperty("loss_curve").GetArrayLength());
        Assert.True(json.GetProperty("peak_memory_bytes").GetInt64() > 0);
        double tuned = json.GetProperty("test_accuracy").GetDouble();
        var e = CliContractTests.Run("eval", output, "--data", "mnist", "--limit", "40", "-T", "3", "--optimize-for", "none", "--json");
        Assert.True(e.Code == CliApp.ExitOk, e.Err);
        using JsonDocument evaluated = JsonDocument.Parse(e.Out);
        Assert.Equal(tuned, evaluated.RootElement.GetProperty("snn_accuracy").GetProperty("3").GetDouble());
    }

    [Fact]
    public void ACheckpointedRunResumesWhereItStopped()
    {
        string ck = Path.Combine(_dir, "ck"), one = Path.Combine(_dir, "one.snn"), two = Path.Combine(_dir, "two.snn");
        string model = Zoo.ModelPath("mnist_mlp");
        var r = CliContractTests.Run(["finetune", model, .. Fast, "--epochs", "1", "--checkpoint", ck, "--json", "-o", one]);
        Assert.True(r.Code == CliApp.ExitOk, r.Err);
        Assert.True(File.Exists(Path.Combine(ck, "checkpoint.json")));
        var resumed = CliContractTests.Run(["finetune", model, .. Fast, "--epochs", "2", "--checkpoint", ck, "--resume", "--json",
            "-o", two]);
        Assert.True(resumed.Code == CliApp.ExitOk, resumed.Err);
        using JsonDocument doc = JsonDocument.Parse(resumed.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("resumed_after").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("epochs").GetArrayLength());
        // A checkpoint of another network is refused.
        var other = CliContractTests.Run(["finetune", Zoo.ModelPath("mnist_lenet_bn"), .. Fast, "--checkpoint", ck, "--resume", "-o",
            Path.Combine(_dir, "other.snn")]);
        Assert.Equal(CliApp.ExitBadInput, other.Code);
        Assert.Contains("another network", other.Err);
        Assert.False(File.Exists(Path.Combine(_dir, "other.snn")));
    }

    [Fact]
    public void RandomInitTrainsTheArchitectureFromScratch()
    {
        string output = Path.Combine(_dir, "scratch.snn");
        var r = CliContractTests.Run(["finetune", Zoo.ModelPath("mnist_mlp"), .. Fast, "--init", "random", "--json", "-o", output]);
        Assert.True(r.Code == CliApp.ExitOk, r.Err);
        using JsonDocument doc = JsonDocument.Parse(r.Out);
        Assert.InRange(doc.RootElement.GetProperty("test_accuracy_before").GetDouble(), 0, 0.4); // an untrained network
        Assert.True(File.Exists(output));
    }

    [Theory]
    [InlineData("--lr", "0", "option '--lr'")]
    [InlineData("--lr", "-1e-3", "option '--lr'")]
    [InlineData("--lr", "nan", "option '--lr'")]
    [InlineData("--epochs", "0", "option '--epochs'")]
    [InlineData("-T", "0", "option '--timesteps'")]
    [InlineData("--batch", "0", "option '--batch'")]
    [InlineData("--surrogate", "relu", "option '--surrogate'")]
    [InlineData("--slope", "0", "option '--slope'")]
    [InlineData("--optimizer", "lion", "option '--optimizer'")]
    [InlineData("--init", "zeros", "option '--init'")]
    [InlineData("--resume", null, "option '--resume'")]
    [InlineData("--clip", "-1", "option '--clip'")]
    public void BadInputExitsTwoWithOneLineAndNoOutput(string option, string? value, string expected)
    {
        string output = Path.Combine(_dir, "bad.snn");
        string[] args = ["finetune", Zoo.ModelPath("mnist_mlp"), "--data", "mnist", "--limit", "8", "-o", output, option];
        var r = CliContractTests.Run(value is null ? args : [.. args, value]);
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        Assert.Contains(expected, r.Err);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("ann2snn:", StringComparison.Ordinal));
        Assert.False(File.Exists(output));
    }
}
