using System.Globalization;
using System.Text.Json;
using Ann2Snn.Cli;
using Ann2Snn.Reports;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Cli;

/// <summary><c>ann2snn latency</c> on the bundled MLP and a few images: JSON keys, the report's files, bad options.</summary>
public sealed class LatencyCliTests : IDisposable
{
    private static readonly string Model = Zoo.ModelPath("mnist_mlp");

    private readonly string _dir = Directory.CreateTempSubdirectory("ann2snn-latency-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Fast = ["--data", "mnist", "--limit", "24", "--batch", "24", "--calib-images", "48"];

    private static (int Code, string Out, string Err) Latency(params string[] args) =>
        CliContractTests.Run(["latency", Model, .. Fast, .. args]);

    [Fact]
    public void JsonHasEveryPointAndTheReportItsFiles()
    {
        string report = Path.Combine(_dir, "lat");
        var r = CliContractTests.RunAt(30, ["latency", Model, .. Fast, "--at", "2,4", "--methods", "plain,fit,burst2", "--match", "1",
            "--report", report, "--json"]);
        Assert.Equal(CliApp.ExitOk, r.Code);
        using JsonDocument doc = JsonDocument.Parse(r.Out); // stdout is the JSON alone, unwrapped on a narrow console
        JsonElement json = doc.RootElement;
        string[] keys = ["model", "data", "images", "ann_accuracy", "tolerance_pp", "target", "reference", "windows", "methods", "points",
            "matched", "front", "versions", "report"];
        Assert.Equal(keys, json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(24, json.GetProperty("images").GetInt32());
        Assert.Equal(1.0, json.GetProperty("tolerance_pp").GetDouble());
        Assert.Equal(json.GetProperty("ann_accuracy").GetDouble() - 0.01, json.GetProperty("target").GetDouble(), 12);
        JsonElement[] points = [.. json.GetProperty("points").EnumerateArray()];
        Assert.Equal(6, points.Length);
        string[] pointKeys = ["method", "t", "accuracy", "synaptic_events_per_image", "spikes_per_image", "conversion_seconds", "backend",
            "pareto", "choices"];
        Assert.All(points, p => Assert.Equal(pointKeys, p.EnumerateObject().Select(k => k.Name)));
        Assert.Equal(["plain@2", "plain@4", "fit@2", "fit@4", "burst2@2", "burst2@4"],
            points.Select(p => $"{p.GetProperty("method").GetString()}@{p.GetProperty("t").GetInt32()}"));
        Assert.Equal(["method", "t", "accuracy", "synaptic_events_per_image", "relative_events"],
            json.GetProperty("matched")[0].EnumerateObject().Select(k => k.Name));
        Assert.Equal(3, json.GetProperty("matched").GetArrayLength());
        Assert.Equal(points.Count(p => p.GetProperty("pareto").GetBoolean()), json.GetProperty("front").GetArrayLength());

        string index = json.GetProperty("report").GetString()!;
        Assert.Equal(Path.Combine(report, "index.html"), index);
        foreach (string file in new[] { "index.html", "latency.json", "latency.csv", "latency_accuracy.png", "latency_pareto.png" })
        {
            Assert.True(new FileInfo(Path.Combine(report, file)).Length > 0, file);
        }
        string[] csv = File.ReadAllLines(Path.Combine(report, "latency.csv"));
        Assert.Equal(string.Join(',', LatencyReportWriter.CsvHeader), csv[0]);
        Assert.Equal(points.Length, csv.Length - 1);
        for (int i = 0; i < points.Length; i++)
        {
            string[] cells = csv[i + 1].Split(',');
            Assert.Equal(points[i].GetProperty("method").GetString(), cells[0]);
            Assert.Equal(points[i].GetProperty("accuracy").GetDouble(), double.Parse(cells[2], CultureInfo.InvariantCulture));
            double events = double.Parse(cells[3], CultureInfo.InvariantCulture);
            Assert.Equal(points[i].GetProperty("synaptic_events_per_image").GetDouble(), events);
        }
        // latency.json holds what --json printed, less the report's path.
        using JsonDocument file2 = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "latency.json")));
        Assert.Equal(keys[..^1], file2.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(json.GetProperty("points").GetRawText(), file2.RootElement.GetProperty("points").GetRawText());
        string html = File.ReadAllText(index);
        Assert.Contains("latency_pareto.png", html, StringComparison.Ordinal);
        Assert.Contains("Events at matched accuracy", html, StringComparison.Ordinal);
    }

    [Fact]
    public void TheConsoleHasALinePerPointAndBothTables()
    {
        var r = Latency("--at", "2,4", "--methods", "plain,default");
        Assert.Equal(CliApp.ExitOk, r.Code);
        foreach (string label in new[] { "plain@2", "plain@4", "default@2", "default@4" })
        {
            Assert.Contains(label, r.Out, StringComparison.Ordinal);
        }
        Assert.Contains("[4/4]", r.Out, StringComparison.Ordinal);
        Assert.Contains("SNN accuracy per method and window T", r.Out, StringComparison.Ordinal);
        Assert.Contains("events per image at matched accuracy", r.Out, StringComparison.Ordinal);
        Assert.Contains("Pareto front", r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--methods", "plain,turbo", "option '--methods': 'turbo' is not one of")]
    [InlineData("--methods", ",", "option '--methods': no method given")]
    [InlineData("--methods", "fit,fit", "option '--methods': 'fit' is given twice")]
    [InlineData("--at", "0", "option '--at': '0' is not one of")]
    [InlineData("--at", "4,x", "option '--at': 'x' is not one of")]
    [InlineData("--at", ",,", "option '--at'")]
    [InlineData("--at", "2.5", "option '--at': '2.5'")]
    [InlineData("--match", "-1", "option '--match'")]
    [InlineData("--optimize-for", "8", "option '--optimize-for': latency sets it per method")]
    [InlineData("--calibrate", "light", "option '--calibrate': latency sets it per method")]
    [InlineData("--burst", "2", "option '--burst': latency sets it per method")]
    [InlineData("--input", "ttfs", "option '--input'")]
    [InlineData("--backend", "gpu", "option '--backend'")]
    public void BadOptionsExitTwoNamingTheOption(string option, string value, string message)
    {
        var r = Latency(option, value);
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        Assert.Contains(message, r.Err, StringComparison.Ordinal);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void AConvertedNetworkIsRefused()
    {
        string snn = Path.Combine(_dir, "net.snn");
        var r = CliContractTests.Run("latency", snn, "--data", "mnist");
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        Assert.Contains("option '--model'", r.Err, StringComparison.Ordinal);
    }
}
