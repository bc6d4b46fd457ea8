namespace Ann2Snn.Data;

/// <summary>
/// A data set whose reader scales the stored values itself (<see cref="DataOptions.Scale"/>), so that
/// <see cref="PreprocessedDataset"/> sets the reader's scale rather than scaling a second time.
/// </summary>
internal interface IRescalable
{
    /// <summary>
    /// The same samples, the stored values multiplied by <paramref name="scale"/> instead of the scale they were opened with;
    /// null when this data set cannot (its values are not read by a scaling reader).
    /// </summary>
    IDataset? WithScale(float scale);
}
