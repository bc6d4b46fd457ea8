namespace Ann2Snn.Tests.Errors;

public sealed class ThrowHelperTests
{
    [Theory]
    [InlineData("plain text stays", "plain text stays")]
    [InlineData("a\nb\r\nc\rd", "a b c d")]
    [InlineData("next\u0085line\u2028sep\u2029para", "next line sep para")]
    [InlineData("esc\u001b[31mred\u0000nul\u007fdel\tTab", "esc?[31mred?nul?del?Tab")]
    public void OneLine_turns_breaks_into_spaces_and_other_controls_into_question_marks(string message, string expected) =>
        Assert.Equal(expected, ThrowHelper.OneLine(message));

    [Fact]
    public void Printable_cleans_and_cuts_untrusted_text()
    {
        Assert.Equal("", ThrowHelper.Printable(null));
        Assert.Equal("a?b?c", ThrowHelper.Printable("a\nb\u2028c"));
        Assert.Equal("abc…", ThrowHelper.Printable("abcdef", 3));
    }

    [Fact]
    public void Every_typed_exception_message_is_one_printable_line()
    {
        const string quoted = "file\n'key\u001b'\r\nend";
        Ann2SnnException[] errors =
        [
            new InvalidModelException(quoted),
            new InvalidModelException(quoted, new IOException()),
            new UnsupportedOperatorException(quoted),
            new InvalidDatasetException(quoted),
            new InvalidDatasetException(quoted, null),
            new InvalidOptionException(quoted),
        ];
        Assert.All(errors, e => Assert.Equal("file 'key?' end", e.Message));
    }
}
