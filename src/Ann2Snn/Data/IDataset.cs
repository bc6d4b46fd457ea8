using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// A labelled data set read in batches. Samples are streamed from their files on each enumeration of
/// <see cref="Batches"/>; nothing is held open between enumerations, and enumerations are independent.
/// </summary>
public interface IDataset
{
    /// <summary>Where the samples come from, for reports (a path, or a bundled name and split).</summary>
    string Description { get; }

    /// <summary>Per-sample shape: <c>[C, H, W]</c> for images, <c>[F]</c> for feature vectors.</summary>
    Shape SampleShape { get; }

    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Number of classes: the largest label plus one (or the number of class folders).</summary>
    int ClassCount { get; }

    /// <summary>
    /// The samples in file order, <paramref name="batchSize"/> at a time; the last batch may be smaller.
    /// With <paramref name="limit"/>, only the first <c>min(limit, Count)</c> samples are read.
    /// </summary>
    /// <exception cref="InvalidOptionException">batch size not positive, limit negative, or a batch too large.</exception>
    /// <exception cref="InvalidDatasetException">the file turns out truncated or corrupt while reading.</exception>
    IEnumerable<DataBatch> Batches(int batchSize, int? limit = null);
}
