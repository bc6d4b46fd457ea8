using System.Text.Json;
using Ann2Snn.Cli;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Cli;

/// <summary>
/// <c>ann2snn attack</c> on zoo models and a few images: the JSON's keys (as <c>eval --json</c>'s for accuracies), ε = 0 giving
/// the clean accuracies, the report's files, the saved adversarial images reproduced by <c>eval</c>, and bad options.
/// </summary>
public sealed class AttackCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ann2snn-attack-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Fast = ["--data", "mnist", "--limit", "40", "--batch", "20", "--calib-images", "64"];

    [Theory]
    [InlineData("mnist_lenet_bn", "fgsm")]
    [InlineData("mnist_mlp", "pgd")]
    public void EpsilonZeroIsTheCleanRunAndSavedImagesAreReproducedByEval(string name, string method)
    {
        string model = Zoo.ModelPath(name), saved = Path.Combine(_dir, "adv"), report = Path.Combine(_dir, "rep");
        var r = CliContractTests.RunAt(30, ["attack", model, .. Fast, "--method", method, "--steps", "5", "--eps", "0,0.1",
            "--timesteps", "8,32", "--json", "--report", report, "--save-adversarial", saved]);
        Assert.True(r.Code == CliApp.ExitOk, r.Err);
        using JsonDocument doc = JsonDocument.Parse(r.Out);
        JsonElement json = doc.RootElement;
        string[] keys = ["model", "data", "images", "method", "attack", "input", "backend", "timesteps", "clean", "epsilons",
            "attack_seconds", "versions", "report", "saved"];
        Assert.Equal(keys, json.EnumerateObject().Select(p => p.Name));
        JsonElement clean = json.GetProperty("clean"), zero = json.GetProperty("epsilons")[0], attacked = json.GetProperty("epsilons")[1];
        Assert.Equal(["ann_accuracy", "snn_accuracy"], clean.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["8", "32"], clean.GetProperty("snn_accuracy").EnumerateObject().Select(p => p.Name));
        Assert.Equal(clean.GetProperty("ann_accuracy").GetDouble(), zero.GetProperty("ann_accuracy").GetDouble());
        Assert.Equal(clean.GetProperty("snn_accuracy").EnumerateObject().Select(p => p.Value.GetDouble()),
            zero.GetProperty("snn_accuracy").EnumerateObject().Select(p => p.Value.GetDouble()));
        Assert.Equal(JsonValueKind.Null, zero.GetProperty("transfer_rate").GetProperty("8").ValueKind);
        Assert.All(zero.GetProperty("layer_spike_change").GetProperty("32").EnumerateObject(), p => Assert.Equal(0, p.Value.GetDouble()));
        Assert.Equal(0, zero.GetProperty("mean_linf").GetDouble());
        Assert.True(attacked.GetProperty("ann_accuracy").GetDouble() < clean.GetProperty("ann_accuracy").GetDouble());
        Assert.InRange(attacked.GetProperty("mean_linf").GetDouble(), 0.05, 0.1 + 1e-6);
        foreach (string file in new[] { "index.html", "attack.json", "attack_accuracy.png", "attack_examples.png" })
        {
            Assert.True(new FileInfo(Path.Combine(report, file)).Length > 0, file);
        }
        // The saved images, read back by eval, give the ANN accuracy the attack measured.
        string folder = json.GetProperty("saved")[1].GetString()!;
        Assert.Equal(Path.Combine(saved, "eps-0.1"), folder);
        var e = CliContractTests.Run("eval", model, "--data", $"{folder}/images.npy,{folder}/labels.npy", "-T", "8", "--json",
            "--calib", "mnist", "--calib-images", "64");
        Assert.True(e.Code == CliApp.ExitOk, e.Err);
        using JsonDocument evaluated = JsonDocument.Parse(e.Out);
        Assert.Equal(attacked.GetProperty("ann_accuracy").GetDouble(), evaluated.RootElement.GetProperty("ann_accuracy").GetDouble());
    }

    [Fact]
    public void SignFlipReportsSilencedNeurons()
    {
        var r = CliContractTests.Run(["attack", Zoo.ModelPath("mnist_lenet_bn"), .. Fast, "--method", "sign-flip", "--steps", "5",
            "--eps", "0.1", "--timesteps", "16", "--json"]);
        Assert.True(r.Code == CliApp.ExitOk, r.Err);
        using JsonDocument doc = JsonDocument.Parse(r.Out);
        JsonElement row = doc.RootElement.GetProperty("epsilons")[0];
        Assert.InRange(row.GetProperty("silenced_fraction").GetDouble(), 0.01, 1);
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("attack").GetProperty("layer").GetString()));
    }

    [Theory]
    [InlineData("--eps", "-0.1", "option '--eps'")]
    [InlineData("--eps", "nan", "option '--eps'")]
    [InlineData("--eps", ",", "option '--eps'")]
    [InlineData("--steps", "0", "option '--steps'")]
    [InlineData("--step-size", "0", "option '--step-size'")]
    [InlineData("--step-size", "-1", "option '--step-size'")]
    [InlineData("--method", "deepfool", "option '--method'")]
    [InlineData("--timesteps", "0", "option '--timesteps'")]
    [InlineData("--timesteps", ",", "option '--timesteps'")]
    [InlineData("--range", "1,0", "option '--range'")]
    [InlineData("--range", "0,0.5", "option '--range'")]
    [InlineData("--loss", "hinge", "option '--loss'")]
    [InlineData("--layer", "fc3", "option '--layer'")]
    [InlineData("--input", "ttfs", "option '--input'")]
    [InlineData("--backend", "ttfs", "option '--backend'")]
    public void BadOptionsExitTwoWithOneLineNamingTheOption(string option, string value, string message)
    {
        string[] extra = option == "--layer" ? ["--method", "sign-flip"] : [];
        var r = CliContractTests.Run(["attack", Zoo.ModelPath("mnist_lenet_bn"), .. Fast, "--timesteps", "8", option, value, .. extra]);
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        Assert.Contains(message, r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void AConvertedNetworkWithoutItsAnnIsRefused()
    {
        string snn = Path.Combine(_dir, "net.snn");
        var c = CliContractTests.Run("convert", Zoo.ModelPath("mnist_mlp"), "--calib", "mnist", "--calib-images", "64", "-o", snn);
        Assert.Equal(CliApp.ExitOk, c.Code);
        var r = CliContractTests.Run(["attack", snn, .. Fast, "--timesteps", "8"]);
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        Assert.Contains("option '--ann'", r.Err, StringComparison.Ordinal);
        var ok = CliContractTests.Run(["attack", snn, "--ann", Zoo.ModelPath("mnist_mlp"), .. Fast, "--timesteps", "8", "--eps", "0.05"]);
        Assert.True(ok.Code == CliApp.ExitOk, ok.Err);
    }
}
