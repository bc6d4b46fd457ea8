namespace Ann2Snn.Data;

/// <summary>How a data set's samples are laid out anew for a model that takes another shape (<see cref="InputAdaptation"/>).</summary>
public enum InputAdaptationKind
{
    /// <summary>The shapes agree: nothing to do.</summary>
    Identity,

    /// <summary><c>[C, H, W]</c> → <c>[C·H·W]</c>, the elements in the same order.</summary>
    Flatten,

    /// <summary><c>[1, H, W]</c> → <c>[H, W]</c>, the elements in the same order.</summary>
    DropChannel,

    /// <summary><c>[C, H, W]</c> → <c>[H, W, C]</c> (NHWC, as Keras and TensorFlow export): <c>y[h, w, c] = x[c, h, w]</c>.</summary>
    ChannelsLast,

    /// <summary><c>[1, H, W]</c> → <c>[3, H, W]</c>: the one channel copied to each of three.</summary>
    ReplicateChannel,

    /// <summary><c>[1, H, W]</c> → <c>[H, W, 3]</c>: the one channel copied to each of three, channels last.</summary>
    ReplicateChannelLast,

    /// <summary><c>[C, H, W]</c> → <c>[H, W·C]</c> (<see cref="SequenceLayout.Rows"/>): <c>y[h, w·C + c] = x[c, h, w]</c>.</summary>
    SequenceRows,

    /// <summary><c>[C, H, W]</c> → <c>[H·W, C]</c> (<see cref="SequenceLayout.Pixels"/>): <c>y[h·W + w, c] = x[c, h, w]</c>.</summary>
    SequencePixels,
}
