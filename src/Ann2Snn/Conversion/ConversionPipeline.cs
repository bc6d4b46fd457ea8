using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Snn;

namespace Ann2Snn.Conversion;

/// <summary>The whole conversion from a graph and a calibration data set, in the converter's fixed stage order.</summary>
public static class ConversionPipeline
{
    public static ConversionResult Run(ModelGraph graph, Data.IDataset? calibration, ConversionOptions options,
        IProgress<int>? progress = null, Ann.AnnExecutorOptions? executorOptions = null)
    {
        ConversionResult result = Convert(graph, calibration, options, progress, executorOptions);
        return options.WeightBits is { } bits
            ? result with { Network = WeightQuantization.Quantize(result.Network, bits, options.WeightScale) }
            : result;
    }

    private static ConversionResult Convert(ModelGraph graph, Data.IDataset? calibration, ConversionOptions options,
        IProgress<int>? progress, Ann.AnnExecutorOptions? executorOptions)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ModelGraph prepared = Converter.Prepare(graph, out IReadOnlyList<string> applied);
        CalibrationStatistics? stats = null;
        CheckCalibration(options, calibration);
        if (calibration is not null && options.Normalization.NeedsCalibration())
        {
            Ann.AnnEvaluator.CheckCompatible(graph, calibration, "calib");
            Func<float[], int, float[]> layout = InputLayout(graph, prepared);
            var images = new List<float>();
            stats = Calibration.Collect(prepared,
                calibration.Batches(64, options.CalibrationImages).Select(b =>
                {
                    float[] x = layout(b.Data, b.Count);
                    if (options.Window is not null) images.AddRange(x.AsSpan(0, b.Count * prepared.Input.OutputShape.Size));
                    return (x, b.Count);
                }),
                options.CalibrationImages, executorOptions, progress);
            if (options.Window is not null)
            {
                return WindowTuning.Run(prepared, stats, options, applied, [.. images], stats.Images, executorOptions);
            }
        }
        else if (options.Calibrate != LayerCalibration.None)
        {
            ThrowHelper.InvalidOption("calibrate", "layer-wise calibration needs calibration images (--calib)");
        }
        return Converter.Convert(prepared, stats, options, applied);
    }

    /// <summary>
    /// Maps a batch laid out for <paramref name="graph"/>'s input to <paramref name="prepared"/>'s: the identity, or the
    /// input Transpose that preparation took as the input layout (<see cref="AbsorbInputTransposePass"/>).
    /// </summary>
    public static Func<float[], int, float[]> InputLayout(ModelGraph graph, ModelGraph prepared)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.Input.OutputShape.Equals(graph.Input.OutputShape)) return (x, _) => x;
        TransposeNode transpose = AbsorbInputTransposePass.Absorbable(PassPipeline.Layout.Run(graph))
            is { } t && t.OutputShape.Equals(prepared.Input.OutputShape)
            ? t
            : throw new UnsupportedOperatorException($"model '{graph.Name}': its input layout changed in preparation "
                + $"({graph.Input.OutputShape} → {prepared.Input.OutputShape}) in a way calibration data cannot follow");
        var executor = new Ann.AnnExecutor(new ModelGraph(transpose.Inputs[0] as InputNode ?? graph.Input, transpose, "input-layout"));
        return (x, count) => executor.Forward(x.AsSpan(0, count * graph.Input.OutputShape.Size), count);
    }

    /// <summary>
    /// Throws <see cref="InvalidOptionException"/> naming "calib" when the normalization needs calibration data and none is given.
    /// </summary>
    public static void CheckCalibration(ConversionOptions options, Data.IDataset? calibration)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (calibration is null && options.Normalization.NeedsCalibration())
        {
            ThrowHelper.InvalidOption("calib", "a calibration data set is needed for data-based normalization");
        }
    }
}
