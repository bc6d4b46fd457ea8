namespace Ann2Snn.Data;

/// <summary>How image samples [C, H, W] become sequences [L, F] for a recurrent model (the CLI's <c>--sequence</c>).</summary>
public enum SequenceLayout
{
    /// <summary>Samples are fed as they are (arrays [N, L, F] are sequences already).</summary>
    None,

    /// <summary>The H rows are the elements, each of W·C features (pixel-major, channels interleaved): sequential MNIST.</summary>
    Rows,

    /// <summary>The H·W pixels in row-major order are the elements, each of C features: the long (pixel-by-pixel) benchmark.</summary>
    Pixels,
}
