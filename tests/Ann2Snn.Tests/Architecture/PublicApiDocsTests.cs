using System.Reflection;
using System.Xml.Linq;

namespace Ann2Snn.Tests.Architecture;

/// <summary>Every public type of the library packages carries an XML doc comment (what IntelliSense shows a user).</summary>
public sealed class PublicApiDocsTests
{
    public static TheoryData<string> Packages => new()
    {
        typeof(Ann2Snn.Evaluation.Evaluator).Assembly.GetName().Name!,
        typeof(Ann2Snn.Onnx.OnnxImporter).Assembly.GetName().Name!,
        typeof(Ann2Snn.Nir.NirFile).Assembly.GetName().Name!,
        typeof(Ann2Snn.Reports.ReportWriter).Assembly.GetName().Name!,
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void EveryPublicTypeIsDocumented(string assemblyName)
    {
        Assembly assembly = Assembly.Load(assemblyName);
        string xml = Path.ChangeExtension(assembly.Location, ".xml");
        Assert.True(File.Exists(xml), $"{xml}: no XML documentation file next to the assembly");
        var documented = XDocument.Load(xml).Descendants("member")
            .Select(m => (string?)m.Attribute("name"))
            .Where(n => n is not null && n.StartsWith("T:", StringComparison.Ordinal) && n.Length > 2)
            .Select(n => n![2..])
            .ToHashSet(StringComparer.Ordinal);
        string[] missing = [.. assembly.GetExportedTypes()
            .Select(t => t.FullName!.Replace('+', '.'))
            .Where(name => !documented.Contains(name))
            .Order(StringComparer.Ordinal)];
        Assert.True(missing.Length == 0, $"{assemblyName}: public types without a doc comment: {string.Join(", ", missing)}");
        Assert.True(documented.Count > 10, $"{assemblyName}: only {documented.Count} documented types read from {xml}");
    }
}
