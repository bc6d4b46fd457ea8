using System.Text.Json;
using Ann2Snn.Cli;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Cli;

/// <summary>
/// <c>ann MODEL --data mnist --sequence rows</c> on the zoo's row-sequential RNN, and the bad input of issue 15 at the
/// command line: exit 2 with one line naming what is wrong.
/// </summary>
public sealed class SequenceCliTests
{
    private static readonly string Rnn = Zoo.ModelPath("mnist_rows_rnn");

    [Fact]
    public void Ann_reads_mnist_as_rows_for_the_recurrent_zoo_model()
    {
        var r = CliContractTests.Run("ann", Rnn, "--data", "mnist", "--sequence", "rows", "--limit", "200", "--json");
        Assert.True(r.Code == CliApp.ExitOk, r.Err);
        JsonElement json = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(200, json.GetProperty("images").GetInt32());
        Assert.True(json.GetProperty("ann_accuracy").GetDouble() > 0.9);
        Assert.Contains("rows as a sequence [1×28×28] → [28×28]", json.GetProperty("input_adaptation").GetString());
    }

    [Fact]
    public void Eval_runs_a_recurrent_model_per_element_and_reports_the_window_and_the_steps()
    {
        var r = CliContractTests.Run("eval", Rnn, "--data", "mnist", "--sequence", "rows", "--limit", "20", "-T", "16", "--at", "8,16",
            "--calib-images", "200", "--backend", "event", "--json");
        Assert.True(r.Code == CliApp.ExitOk, r.Err);
        JsonElement json = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(28, json.GetProperty("sequence_length").GetInt32());
        Assert.Equal(16, json.GetProperty("window_per_element").GetInt32());
        Assert.Equal(28 * 16, json.GetProperty("timesteps").GetInt32());
        Assert.Equal(16, json.GetProperty("recurrent_burst").GetInt32()); // 16 steps · 16 spikes ≥ 256 levels per element
        JsonElement snn = json.GetProperty("snn_accuracy");
        Assert.Equal(["8", "16"], snn.EnumerateObject().Select(p => p.Name));
        Assert.True(snn.GetProperty("16").GetDouble() > 0.5, r.Out);
    }

    [Fact]
    public void Eval_takes_the_recurrent_burst_and_refuses_one_the_neurons_cannot_fire()
    {
        var r = CliContractTests.Run("eval", Rnn, "--data", "mnist", "--sequence", "rows", "--limit", "10", "-T", "8",
            "--calib-images", "50", "--optimize-for", "none", "--recurrent-burst", "1", "--json");
        Assert.True(r.Code == CliApp.ExitOk, r.Err);
        Assert.Equal(1, JsonDocument.Parse(r.Out).RootElement.GetProperty("recurrent_burst").GetInt32());
        var bad = CliContractTests.Run("eval", Rnn, "--data", "mnist", "--sequence", "rows", "--limit", "10", "-T", "8",
            "--recurrent-burst", "2", "--reset", "zero");
        Assert.Equal(CliApp.ExitBadInput, bad.Code);
        Assert.Contains("option '--recurrent-burst'", bad.Err);
    }

    [Theory]
    [InlineData("ann", "mnist_mlp", "rows", "option '--sequence': model 'torch_jit' has no recurrent layer")]
    [InlineData("ann", "mnist_rows_rnn", "columns", "option '--sequence': 'columns' is not a sequence layout")]
    [InlineData("ann", "mnist_rows_rnn", "pixels", "option '--sequence': pixels makes the samples [1×28×28]")]
    [InlineData("eval", "mnist_mlp", "rows", "option '--sequence': model 'torch_jit' has no recurrent layer")]
    public void Bad_sequence_input_exits_2_in_one_line(string command, string model, string layout, string expected)
    {
        var r = CliContractTests.Run(command, Zoo.ModelPath(model), "--data", "mnist", "--sequence", layout, "--limit", "10");
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        string line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
    }
}
