using System.Globalization;
using Ann2Snn.Data;
using Spectre.Console;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// What the commands that read data say about the input: the adaptation of the samples' layout, when one was made, and a
/// warning when the ANN scores so low on labelled data that the input scaling probably differs from the model's training.
/// </summary>
internal static class InputNotes
{
    /// <summary>ANN accuracy below which the warning is given.</summary>
    public const double LowAccuracy = 0.5;

    /// <summary>The adaptation as <c>flatten [1×28×28] → [784]</c>, or null when the samples needed none.</summary>
    public static string? Adaptation(PreprocessedDataset data) =>
        data.Adaptation.Kind == InputAdaptationKind.Identity ? null : data.Adaptation.ToString();

    /// <summary>The preprocessing for --json: the values given (null where not: the data's own scale, mean 0, std 1).</summary>
    public static object Json(InputPreprocessing p) => new { pixel_scale = p.EffectiveScale, mean = p.Mean, std = p.Std };

    /// <summary>The warnings for an ANN accuracy (none when there is no ANN or it is at least <see cref="LowAccuracy"/>).</summary>
    public static string[] Warnings(double? annAccuracy) => annAccuracy is double a && a < LowAccuracy
        ?
        [
            $"the ANN's accuracy is {(100 * a).ToString("F2", CultureInfo.InvariantCulture)} %, below "
            + $"{(100 * LowAccuracy).ToString(CultureInfo.InvariantCulture)} %: the input scaling probably differs from the model's "
            + $"training; set it with {InputPreprocessing.PixelScaleOption} (e.g. 1 for raw 0..255 pixels), "
            + $"{InputPreprocessing.MeanOption} and {InputPreprocessing.StdOption}",
        ]
        : [];

    /// <summary>Prints the adaptation as a dim line, if one was made.</summary>
    public static void PrintAdaptation(IAnsiConsole console, PreprocessedDataset data)
    {
        if (Adaptation(data) is { } adaptation) console.MarkupLine($"[dim]input adapted: {Markup.Escape(adaptation)}[/]");
    }

    /// <summary>Prints the warnings for an ANN accuracy, in yellow.</summary>
    public static void PrintWarnings(IAnsiConsole console, double? annAccuracy)
    {
        foreach (string warning in Warnings(annAccuracy)) console.MarkupLine($"[yellow]warning: {Markup.Escape(warning)}[/]");
    }
}
