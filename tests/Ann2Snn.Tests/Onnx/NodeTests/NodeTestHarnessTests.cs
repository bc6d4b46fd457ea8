using Ann2Snn.Ann;
using Ann2Snn.Onnx;
using Onnx;

namespace Ann2Snn.Tests.Onnx.NodeTests;

/// <summary>The node-test harness itself: it must see a wrong answer, a disguised crash, and the scope as documented.</summary>
public sealed class NodeTestHarnessTests
{
    private static readonly int[] Lengths = [1, 7, 8, 9, 15, 16, 17, 63, 64, 65];

    [Fact]
    public void Mismatch_accepts_values_within_tolerance_and_names_the_first_one_outside()
    {
        var random = new Random(11);
        foreach (int n in Lengths)
        {
            double[] expected = [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 4)))];
            double Bound(int i) => NodeTestRunner.AbsoluteTolerance + NodeTestRunner.RelativeTolerance * Math.Abs(expected[i]);
            float[] close = [.. expected.Select((e, i) => (float)(e + 0.5 * Bound(i)))];
            Assert.Null(NodeTestRunner.Mismatch(close, expected, exact: false));

            int k = random.Next(n);
            float[] off = (float[])close.Clone();
            off[k] = (float)(expected[k] + 3 * Bound(k));
            Assert.StartsWith($"element {k} is", NodeTestRunner.Mismatch(off, expected, exact: false));
        }
    }

    [Fact]
    public void Mismatch_compares_indices_exactly_and_checks_the_length()
    {
        Assert.Null(NodeTestRunner.Mismatch([0, 2, 1], [0, 2, 1], exact: true));
        Assert.Equal("element 1 is 2.0001, expected 2 (1 of 3 off)", NodeTestRunner.Mismatch([0, 2.0001f, 1], [0, 2, 1], exact: true));
        Assert.Null(NodeTestRunner.Mismatch([float.NaN, float.PositiveInfinity], [double.NaN, double.PositiveInfinity], exact: false));
        Assert.NotNull(NodeTestRunner.Mismatch([float.NaN], [1], exact: false));
        Assert.Equal("2 output values, expected 3", NodeTestRunner.Mismatch([1, 2], [1, 2, 3], exact: false));
    }

    [Fact]
    public void A_wrong_answer_from_the_executor_is_caught()
    {
        NodeTestCase c = NodeTestCase.Load("test_gemm_default_vector_bias");
        var graph = OnnxImporter.Load(NodeTestRunner.BindConstants(c), NodeTestRunner.SourceName);
        TensorProto input = c.Input(0), expected = c.Output(0);
        float[] actual = new AnnExecutor(graph).Forward(NodeTestTensor.Floats(input), (int)input.Dims[0]);
        Assert.Null(NodeTestRunner.Mismatch(graph, actual, expected));

        actual[5] += 0.01f;
        Assert.StartsWith("element 5 is", NodeTestRunner.Mismatch(graph, actual, expected));
        TensorProto reshaped = expected.Clone();
        reshaped.Dims.Clear();
        reshaped.Dims.Add([expected.Dims[0], 2, expected.Dims[1] / 2]);
        Assert.StartsWith("output shape [N, 4]", NodeTestRunner.Mismatch(graph, actual, reshaped));
    }

    [Fact]
    public void Only_a_typed_exception_with_no_foreign_cause_is_a_refusal()
    {
        Assert.True(NodeTestRunner.IsRefusal(new UnsupportedOperatorException("x")));
        Assert.True(NodeTestRunner.IsRefusal(new InvalidModelException("x", new InvalidModelException("y"))));
        Assert.False(NodeTestRunner.IsRefusal(new InvalidModelException("could not be imported", new IndexOutOfRangeException())));
        Assert.False(NodeTestRunner.IsRefusal(new ArgumentException("x")));
    }

    [Theory]
    [InlineData("model.onnx: opset 25 is not supported; supported opsets: 9–21", "opset 25 is not supported")]
    [InlineData("model.onnx: node 'y' (Erf, opset 13): operator Erf is not supported; supported ops: Add, Conv",
        "node 'y' (Erf, opset 13): operator Erf is not supported")]
    [InlineData("model.onnx: input 'x' has rank 3", "input 'x' has rank 3")]
    [InlineData("shape [0]: every dimension must be positive", "shape [0]: every dimension must be positive")]
    public void A_reason_is_the_message_after_the_file_name_without_lists_of_what_is_supported(string message, string reason) =>
        Assert.Equal(reason, NodeTestRunner.Reason(new InvalidModelException(message)));

    [Fact]
    public void Bound_inputs_become_initializers_and_only_output_0_is_kept()
    {
        NodeTestCase c = NodeTestCase.Load("test_dropout_default_mask_ratio");
        var bound = ModelProto.Parser.ParseFrom(NodeTestRunner.BindConstants(c));
        Assert.Equal(["x"], bound.Graph.Input.Select(i => i.Name));
        Assert.Equal(["y"], bound.Graph.Output.Select(o => o.Name));
        TensorProto ratio = Assert.Single(bound.Graph.Initializer);
        Assert.Equal("r", ratio.Name);
        Assert.Equal(NodeTestTensor.Floats(c.Input(1)), NodeTestTensor.Floats(ratio));
    }

    [Theory]
    [InlineData("test_add_bcast", null)]
    [InlineData("test_add", "constant 'y' [3, 4, 5] differs along axis 0 (the batch)")]
    [InlineData("test_gemm_default_matrix_bias", "constant 'c' [3, 4] differs along axis 0 (the batch)")]
    [InlineData("test_gemm_transposeB", null)]
    [InlineData("test_softmax_axis_0", "Softmax along axis 0 (the batch)")]
    [InlineData("test_softmax_axis_1", null)]
    [InlineData("test_argmax_keepdims_example", null)]
    [InlineData("test_transpose_all_permutations_1", null)]
    [InlineData("test_transpose_all_permutations_2", "axis 0 (the batch) changes size, 2 to 3")]
    [InlineData("test_slice_default_axes", null)]
    [InlineData("test_reduce_sum_empty_axes_input_noop", null)]
    [InlineData("test_batchnorm_example_training_mode", "training mode: statistics over axis 0 (the batch)")]
    [InlineData("test_dropout_default_mask", null)]
    [InlineData("test_lstm_batchwise", null)]
    [InlineData("test_lstm_defaults", "layout 0: axis 0 is the sequence, the batch is axis 1")]
    [InlineData("test_maxpool_3d_default", "input 0 has rank 5; ranks 2–4 are in scope")]
    [InlineData("test_unsqueeze_two_axes", "output 0 has rank 5; ranks 2–4 are in scope")]
    [InlineData("test_reduce_sum_empty_set", "an empty tensor (a dimension of size 0)")]
    public void Scope_follows_issue_11(string name, string? reason)
    {
        NodeTestScope scope = NodeTestScope.Of(NodeTestCase.Load(name));
        Assert.Equal(reason, scope.Reason);
        Assert.True(scope.Runnable);
    }

    [Theory]
    [InlineData("test_shape", "output 0 holds int64, not float32")]
    [InlineData("test_edge_pad", "input 0 holds int32, not float32")]
    [InlineData("test_identity_sequence", "'x' is a sequence, not a tensor")]
    [InlineData("test_constant", "no graph input to feed")]
    public void Tests_whose_data_cannot_be_fed_are_out_of_scope_and_not_run(string name, string reason)
    {
        Assert.Equal(new NodeTestScope(reason, Runnable: false), NodeTestScope.Of(NodeTestCase.Load(name)));
        NodeTestResult result = NodeTestRunner.Result(name);
        Assert.Equal(NodeTestOutcome.NotRun, result.Outcome);
        Assert.True(result.IsAcceptable);
    }

    [Fact]
    public void Wrong_answers_and_crashes_are_never_acceptable()
    {
        Assert.False(new NodeTestResult("t", NodeTestOutcome.Wrong, "element 0", "out of scope").IsAcceptable);
        Assert.False(new NodeTestResult("t", NodeTestOutcome.Crashed, "NullReferenceException", null).IsAcceptable);
        Assert.False(new NodeTestResult("t", NodeTestOutcome.NotRun, "", null).IsAcceptable);
    }

    [Fact]
    public void The_section_is_replaced_between_its_markers_and_rows_are_found_by_test_name()
    {
        const string doc =
            "intro\n<!-- ops:begin -->\nops\n<!-- ops:end -->\n<!-- node-tests:begin -->\nold\n<!-- node-tests:end -->\nend\n";
        NodeTestResult[] results =
        [
            new("test_a", NodeTestOutcome.Passed, "", null),
            new("test_b", NodeTestOutcome.Refused, "a | b", null),
            new("test_c", NodeTestOutcome.NotRun, "", "no graph input to feed"),
        ];
        string section = NodeTestReport.Render(results);
        string updated = NodeTestReport.WithSection(doc, section);
        Assert.Equal(section, NodeTestReport.Section(updated));
        Assert.StartsWith("intro\n<!-- ops:begin -->\nops\n<!-- ops:end -->\n<!-- node-tests:begin -->\n<!--", updated);
        Assert.EndsWith("\n<!-- node-tests:end -->\nend\n", updated);
        Assert.Equal(updated, NodeTestReport.WithSection(updated, section));
        Assert.Null(NodeTestReport.DocumentedRow(section, "test_a"));
        Assert.Equal("| test_b | a \\| b |", NodeTestReport.DocumentedRow(section, "test_b"));
        Assert.Equal("| test_c | no graph input to feed | not run |", NodeTestReport.DocumentedRow(section, "test_c"));
        Assert.Contains("| passed | 1 |\n| refused, in scope | 1 |\n| out of scope, not passed | 1 |\n| total | 3 |", section);
    }
}
