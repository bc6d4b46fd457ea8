using Ann2Snn.Graph;

namespace Ann2Snn.Conversion;

/// <summary>The whole conversion from a graph and a calibration data set, in the converter's fixed stage order.</summary>
public static class ConversionPipeline
{
    public static ConversionResult Run(ModelGraph graph, Data.IDataset? calibration, ConversionOptions options,
        IProgress<int>? progress = null, Ann.AnnExecutorOptions? executorOptions = null)
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
            stats = Calibration.Collect(prepared, calibration.Batches(64, options.CalibrationImages).Select(b => (b.Data, b.Count)),
                options.CalibrationImages, executorOptions, progress);
        }
        return Converter.Convert(prepared, stats, options, applied);
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
