using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// A linear map from a source population's spikes (or the encoded input) towards a target membrane. A projection
/// chains a few of them (e.g. average pool → flatten → dense); all are linear, so the chain is one synaptic matrix
/// applied implicitly. Each op knows its input and output shapes.
/// </summary>
public abstract class SynapticOp
{
    private protected SynapticOp(Shape input, Shape output)
    {
        InputShape = input;
        OutputShape = output;
    }

    public Shape InputShape { get; }
    public Shape OutputShape { get; }
    public abstract string Kind { get; }

    /// <summary>Synapses leaving one source neuron on average (the fan-out used for synaptic-event counts).</summary>
    public abstract double FanOut { get; }

    /// <summary>
    /// Throws unless sliding <paramref name="window"/> over <paramref name="input"/>'s planes gives <paramref name="output"/>'s planes.
    /// </summary>
    internal static void RequireWindowOutput(string where, Shape input, Window2d window, Shape output)
    {
        var (h, w) = window.OutputSize(input.Height, input.Width, where);
        if (h != output.Height || w != output.Width)
        {
            throw new InvalidModelException($"{where}: window {window} over {input} gives {h}×{w} planes, not those of {output}");
        }
    }

    /// <summary>Pooling keeps channels and slides a window over each plane.</summary>
    internal static void RequirePooling(string where, Shape input, Window2d window, Shape output)
    {
        if (!input.IsSpatial || output.Rank != input.Rank || input.Channels != output.Channels)
        {
            throw new InvalidModelException($"{where}: input {input} and output {output} must both be [C, H, W] (or both [C, L]) "
                + "with the same channels");
        }
        RequireWindowOutput(where, input, window, output);
    }
}
