using Ann2Snn.Analysis;

namespace Ann2Snn.Tests.Analysis;

/// <summary>Custom energy profiles read from JSON: the costs in picojoules, and every malformed file named in one line.</summary>
public sealed class EnergyProfileFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ann2snn-energy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text)
    {
        string path = Path.Combine(_dir, "profile.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void CostsAreReadInPicojoules()
    {
        EnergyProfile p = EnergyProfile.Read(Write(
            """{"name": "chip", "synaptic_event_pj": 2.5, "mac_pj": 4.6, "weight_read_pj": 1, "state_access_pj": 0.5}"""));
        Assert.Equal(new EnergyProfile("chip", 2.5e-12, 4.6e-12, 1e-12, 0.5e-12), p with { });
        Assert.Equal(0, EnergyProfile.Read(Write("""{"name": "n", "synaptic_event_pj": 1, "mac_pj": 2}""")).StateAccess);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("""{"synaptic_event_pj": 1, "mac_pj": 2}""", "'name'")]
    [InlineData("""{"name": "n", "mac_pj": 2}""", "'synaptic_event_pj' is missing")]
    [InlineData("""{"name": "n", "synaptic_event_pj": "cheap", "mac_pj": 2}""", "'synaptic_event_pj' must be a number")]
    [InlineData("""{"name": "n", "synaptic_event_pj": -1, "mac_pj": 2}""", "negative")]
    [InlineData("""{"name": "n", "synaptic_event_pj": 1, "mac_pj": 2, "sram_pj": 3}""", "unknown field 'sram_pj'")]
    public void AMalformedProfileIsNamedInOneLine(string text, string mention)
    {
        string path = Write(text);
        var e = Assert.Throws<InvalidOptionException>(() => EnergyProfile.Read(path));
        Assert.StartsWith("option 'energy-profile':", e.Message);
        Assert.Contains("profile.json", e.Message);
        Assert.Contains(mention, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var e = Assert.Throws<InvalidOptionException>(() => EnergyProfile.Read(Path.Combine(_dir, "none.json")));
        Assert.Contains("does not exist", e.Message);
    }
}
