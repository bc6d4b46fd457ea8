using System.Reflection;
using Ann2Snn.Tensors;
using NetArchTest.Rules;

namespace Ann2Snn.Tests.Architecture;

/// <summary>
/// The dependency rules of docs/architecture.md, read off the compiled assemblies: one direction of flow through the
/// stages, a floor (Tensors, Neurons, Kernels, the errors) that stands on nothing above it, and the core library free
/// of the importer, the reports, the CLI and their packages.
/// </summary>
public class DependencyRulesTests
{
    private const string Root = "Ann2Snn";

    /// <summary>
    /// Each folder of the core library (namespace <c>Ann2Snn.X</c> and below) and the folders it may use besides its
    /// own and the errors (namespace <c>Ann2Snn</c>). A folder missing here fails <see cref="EveryNamespaceHasARule"/>.
    /// </summary>
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Tensors"] = [],
        ["Neurons"] = [],
        ["Kernels"] = ["Tensors", "Neurons"],
        ["Data"] = ["Tensors"],
        ["Graph"] = ["Tensors"],
        ["Passes"] = ["Tensors", "Kernels", "Graph"],
        ["Ann"] = ["Tensors", "Kernels", "Data", "Graph", "Passes"],
        ["Snn"] = ["Tensors", "Neurons", "Kernels"],
        ["Conversion"] = ["Tensors", "Neurons", "Kernels", "Data", "Graph", "Passes", "Ann", "Snn", "Simulation"],
        ["Simulation"] = ["Tensors", "Neurons", "Kernels", "Data", "Snn"],
        ["Training"] = ["Tensors", "Neurons", "Kernels", "Data", "Ann", "Snn", "Simulation"],
        ["Export"] = ["Tensors", "Neurons", "Kernels", "Snn"],
        ["Adversarial"] = ["Tensors", "Kernels", "Data", "Graph", "Passes", "Ann"],
        ["Analysis"] = ["Tensors", "Neurons", "Kernels", "Data", "Graph", "Passes", "Ann", "Snn", "Conversion", "Simulation"],
        ["Evaluation"] =
        [
            "Tensors", "Neurons", "Kernels", "Data", "Graph", "Passes", "Ann", "Snn", "Conversion", "Simulation", "Training",
            "Export", "Analysis", "Adversarial",
        ],
    };

    /// <summary>Namespaces and packages that sit above the core library: it must never reach them.</summary>
    private static readonly string[] AboveTheCore =
        ["Ann2Snn.Onnx", "Ann2Snn.Nir", "Ann2Snn.Reports", "Ann2Snn.Cli", "Onnx", "Google.Protobuf", "PureHDF", "ScottPlot", "SkiaSharp",
            "Spectre"];

    private static readonly Assembly Core = typeof(Shape).Assembly;

    public static TheoryData<string> Folders => [.. MayUse.Keys];

    [Theory]
    [MemberData(nameof(Folders))]
    public void FolderUsesOnlyWhatItMay(string folder)
    {
        string[] forbidden = [.. MayUse.Keys.Where(f => f != folder && !MayUse[folder].Contains(f)).Select(f => $"{Root}.{f}")];
        TestResult result = Types.InAssembly(Core).That().ResideInNamespace($"{Root}.{folder}")
            .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful,
            $"{folder} may use only {string.Join(", ", MayUse[folder].DefaultIfEmpty("the errors"))}; these types reach further: "
            + string.Join(", ", result.FailingTypeNames ?? []));
    }

    /// <summary>The simulator backends (subfolders of Simulation) share its core and never use one another.</summary>
    private static readonly string[] BackendFolders = ["Dense", "Event", "Layered", "Ttfs"];

    public static TheoryData<string> Backends => [.. BackendFolders];

    [Theory]
    [MemberData(nameof(Backends))]
    public void BackendUsesNoOtherBackend(string backend)
    {
        Assert.Contains(Core.GetTypes(), t => t.Namespace == $"{Root}.Simulation.{backend}");
        string[] others = [.. BackendFolders.Where(b => b != backend).Select(b => $"{Root}.Simulation.{b}")];
        TestResult result = Types.InAssembly(Core).That().ResideInNamespace($"{Root}.Simulation.{backend}")
            .ShouldNot().HaveDependencyOnAny(others).GetResult();
        Assert.True(result.IsSuccessful,
            $"the {backend} backend uses another backend: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void CoreLibraryStaysBelowImporterReportsAndCli()
    {
        TestResult result = Types.InAssembly(Core).ShouldNot().HaveDependencyOnAny(AboveTheCore).GetResult();
        Assert.True(result.IsSuccessful, "the core library reaches above itself: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void ErrorsStandOnNothing()
    {
        string[] everyFolder = [.. MayUse.Keys.Select(f => $"{Root}.{f}")];
        IEnumerable<Type> errors = Core.GetTypes().Where(t => t.Namespace == Root);
        Assert.NotEmpty(errors);
        TestResult result = Types.InAssembly(Core).That().ResideInNamespace(Root).And().DoNotResideInNamespace($"{Root}.")
            .ShouldNot().HaveDependencyOnAny(everyFolder).GetResult();
        Assert.True(result.IsSuccessful, "the errors use a folder: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void EveryNamespaceHasARule()
    {
        string[] unknown =
        [
            .. Core.GetTypes().Select(t => t.Namespace).OfType<string>().Distinct()
                .Where(ns => ns != Root && !MayUse.ContainsKey(FolderOf(ns)))
                .Where(ns => !ns.StartsWith("System", StringComparison.Ordinal) && !ns.StartsWith("Microsoft", StringComparison.Ordinal)),
        ];
        Assert.True(unknown.Length == 0,
            $"namespaces without a dependency rule (add them to {nameof(MayUse)}): {string.Join(", ", unknown)}");
    }

    /// <summary>The projects above the core: the importer, the reports and the CLI each keep to their own packages.</summary>
    public static TheoryData<string, string[]> Projects => new()
    {
        { "Ann2Snn.Onnx", ["Ann2Snn.Reports", "Ann2Snn.Cli", "Ann2Snn.Nir", "PureHDF", "ScottPlot", "SkiaSharp", "Spectre"] },
        { "Ann2Snn.Nir", ["Ann2Snn.Onnx", "Ann2Snn.Reports", "Ann2Snn.Cli", "Onnx", "Google.Protobuf", "ScottPlot", "SkiaSharp",
            "Spectre"] },
        { "Ann2Snn.Reports", ["Ann2Snn.Onnx", "Ann2Snn.Nir", "Ann2Snn.Cli", "Onnx", "Google.Protobuf", "PureHDF", "Spectre"] },
        { "Ann2Snn.Cli", ["ScottPlot", "SkiaSharp", "Google.Protobuf"] },
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void ProjectKeepsToItsOwnPackages(string project, string[] forbidden)
    {
        TestResult result = Types.InAssembly(Assembly.Load(project)).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful,
            $"{project} reaches {string.Join(" or ", forbidden)}: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    /// <summary>The checker sees real arrows: a rule that forbids an arrow the code has does fail.</summary>
    [Fact]
    public void CheckerSeesAKnownArrow()
    {
        TestResult result = Types.InAssembly(Core).That().ResideInNamespace($"{Root}.Conversion")
            .ShouldNot().HaveDependencyOnAny($"{Root}.Graph").GetResult();
        Assert.False(result.IsSuccessful);
        Assert.Contains(result.FailingTypeNames, n => n.StartsWith($"{Root}.Conversion.", StringComparison.Ordinal));
    }

    private static string FolderOf(string ns)
        => ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : ns;
}
