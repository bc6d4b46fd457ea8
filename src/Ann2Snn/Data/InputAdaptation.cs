using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// How samples of shape <see cref="From"/> (a data set's) are laid out as <see cref="To"/> (a model's input), chosen by
/// <see cref="Choose"/> when the element counts agree or differ only by replicating one channel to three:
/// <list type="table">
/// <item><term><c>[C, H, W]</c> → <c>[C·H·W]</c></term><description><see cref="InputAdaptationKind.Flatten"/></description></item>
/// <item><term><c>[1, H, W]</c> → <c>[H, W]</c></term><description><see cref="InputAdaptationKind.DropChannel"/></description></item>
/// <item><term><c>[C, H, W]</c> → <c>[H, W, C]</c></term><description><see cref="InputAdaptationKind.ChannelsLast"/></description></item>
/// <item><term><c>[1, H, W]</c> → <c>[3, H, W]</c></term><description><see cref="InputAdaptationKind.ReplicateChannel"/></description>
/// </item>
/// <item><term><c>[1, H, W]</c> → <c>[H, W, 3]</c></term><description><see cref="InputAdaptationKind.ReplicateChannelLast"/></description>
/// </item>
/// <item><term><c>[C, H, W]</c> → <c>[H, W·C]</c> or <c>[H·W, C]</c></term><description>a sequence, only when asked for with a
/// <see cref="SequenceLayout"/>: <see cref="InputAdaptationKind.SequenceRows"/>, <see cref="InputAdaptationKind.SequencePixels"/>
/// (channels last, then the rows or the pixels as the elements)</description></item>
/// </list>
/// The element of channel <c>c</c> at plane position <c>p</c> (<c>p = h·W + w</c>) goes to <c>c·H·W + p</c>, or to
/// <c>p·C + c</c> channels last; a replicated channel reads channel 0 for every <c>c</c>.
/// </summary>
public sealed record InputAdaptation
{
    /// <summary>Channels one replicated channel becomes.</summary>
    public const int ReplicatedChannels = 3;

    private InputAdaptation(InputAdaptationKind kind, Shape from, Shape to)
    {
        Kind = kind;
        From = from;
        To = to;
        Channels = kind switch
        {
            InputAdaptationKind.ReplicateChannel or InputAdaptationKind.ReplicateChannelLast => ReplicatedChannels,
            _ => from.Rank == 3 ? from[0] : 1,
        };
        PlaneSize = from.Rank == 3 ? from[1] * from[2] : from.Size;
    }

    public InputAdaptationKind Kind { get; }

    /// <summary>The data set's per-sample shape.</summary>
    public Shape From { get; }

    /// <summary>The model's input shape.</summary>
    public Shape To { get; }

    /// <summary>
    /// Channels of the samples as the model sees them, counted before any change of layout (three for a replicated channel;
    /// one for samples that are not <c>[C, H, W]</c>): the channels of <see cref="InputPreprocessing"/>'s mean and std.
    /// </summary>
    public int Channels { get; }

    /// <summary>Elements of one channel: <c>H·W</c> for <c>[C, H, W]</c> samples, every element otherwise.</summary>
    public int PlaneSize { get; }

    /// <summary>Whether the channel axis moves last (NHWC).</summary>
    public bool ChannelsLast => Kind is InputAdaptationKind.ChannelsLast or InputAdaptationKind.ReplicateChannelLast
        or InputAdaptationKind.SequenceRows or InputAdaptationKind.SequencePixels;

    /// <summary>Whether one channel is copied to each of <see cref="ReplicatedChannels"/>.</summary>
    public bool Replicates => Kind is InputAdaptationKind.ReplicateChannel or InputAdaptationKind.ReplicateChannelLast;

    /// <summary>Whether the elements keep their order (only the shape changes), so batches need no copy.</summary>
    public bool KeepsLayout => !Replicates && (!ChannelsLast || Channels == 1);

    /// <summary>
    /// The adaptation from samples of shape <paramref name="data"/> to a model input of shape <paramref name="model"/>:
    /// <see cref="InputAdaptationKind.Identity"/> when they agree, one of the kinds above when it fits, or null when none does.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="sequence"/> layout, image samples <c>[C, H, W]</c> become the sequence it names, and nothing
    /// else fits.
    /// </remarks>
    public static InputAdaptation? Choose(Shape data, Shape model, SequenceLayout sequence = SequenceLayout.None)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        InputAdaptationKind? kind = sequence == SequenceLayout.None ? KindOf(data, model) : SequenceKindOf(data, model, sequence);
        return kind is { } k ? new InputAdaptation(k, data, model) : null;
    }

    /// <summary>The sequence <paramref name="data"/> [C, H, W] becomes in <paramref name="layout"/>: [H, W·C] or [H·W, C].</summary>
    public static Shape? SequenceShape(Shape data, SequenceLayout layout)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rank != 3 || layout == SequenceLayout.None) return null;
        return layout == SequenceLayout.Rows ? new Shape(data[1], data[2] * data[0]) : new Shape(data[1] * data[2], data[0]);
    }

    private static InputAdaptationKind? SequenceKindOf(Shape data, Shape model, SequenceLayout layout) =>
        SequenceShape(data, layout) is { } s && s.Equals(model)
            ? layout == SequenceLayout.Rows ? InputAdaptationKind.SequenceRows : InputAdaptationKind.SequencePixels
            : null;

    private static InputAdaptationKind? KindOf(Shape data, Shape model)
    {
        if (data.Equals(model)) return InputAdaptationKind.Identity;
        if (model.Rank == 1 && data.Rank > 1 && model[0] == data.Size) return InputAdaptationKind.Flatten;
        if (data.Rank != 3) return null;
        int c = data[0], h = data[1], w = data[2];
        if (c == 1 && model.Equals(new Shape(h, w))) return InputAdaptationKind.DropChannel;
        if (model.Equals(new Shape(h, w, c))) return InputAdaptationKind.ChannelsLast;
        if (c == 1 && model.Equals(new Shape(ReplicatedChannels, h, w))) return InputAdaptationKind.ReplicateChannel;
        if (c == 1 && model.Equals(new Shape(h, w, ReplicatedChannels))) return InputAdaptationKind.ReplicateChannelLast;
        return null;
    }

    /// <summary>What is done, for one line of output: <c>flatten [1×28×28] → [784]</c>.</summary>
    public override string ToString() => $"{Name} {From} → {To}";

    private string Name => Kind switch
    {
        InputAdaptationKind.Identity => "none",
        InputAdaptationKind.Flatten => "flatten",
        InputAdaptationKind.DropChannel => "drop the channel axis",
        InputAdaptationKind.ChannelsLast => "channels last (NCHW to NHWC)",
        InputAdaptationKind.ReplicateChannel => "replicate the channel",
        InputAdaptationKind.ReplicateChannelLast => "replicate the channel, channels last (NHWC)",
        InputAdaptationKind.SequenceRows => "rows as a sequence",
        InputAdaptationKind.SequencePixels => "pixels as a sequence",
        _ => Kind.ToString(),
    };
}
