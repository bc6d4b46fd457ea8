using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// A fixed selection y[i] = x[map[i]] (a transpose, a gather, a slice): one synapse of weight 1 per output element, so a
/// spike reaches the outputs that read its neuron (on average <see cref="FanOut"/>; none, one or a few). The exact
/// equivalent of a 0/1 <see cref="DenseOp"/> with one 1 per row, without its map.Length × input size matrix.
/// </summary>
public sealed class SelectOp : SynapticOp
{
    private readonly int[] _map;

    public SelectOp(Shape input, int[] map, Shape output) : base(input, output)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Length != output.Size)
        {
            throw new InvalidModelException($"select synapses: a map of {map.Length} entries does not fill output {output}");
        }
        for (int i = 0; i < map.Length; i++)
        {
            if ((uint)map[i] >= (uint)input.Size)
            {
                throw new InvalidModelException($"select synapses: entry {i} reads element {map[i]}, outside input {input}");
            }
        }
        _map = (int[])map.Clone();
    }

    /// <summary>The input element each output element copies.</summary>
    public ReadOnlySpan<int> Map => _map;

    public override string Kind => "select";
    public override double FanOut => InputShape.Size == 0 ? 0 : (double)_map.Length / InputShape.Size;

    /// <summary>The most outputs one input element reaches.</summary>
    public int MaxFanOut()
    {
        var count = new int[InputShape.Size];
        int max = 0;
        foreach (int m in _map) max = Math.Max(max, ++count[m]);
        return max;
    }

    /// <summary>
    /// Per input element, the outputs that read it: CSR offsets [input size + 1] and the outputs in ascending order.
    /// </summary>
    public (int[] Offsets, int[] Outputs) Readers()
    {
        var offsets = new int[InputShape.Size + 1];
        foreach (int m in _map) offsets[m + 1]++;
        for (int i = 0; i < InputShape.Size; i++) offsets[i + 1] += offsets[i];
        var outputs = new int[_map.Length];
        var next = offsets[..^1];
        for (int i = 0; i < _map.Length; i++) outputs[next[_map[i]]++] = i;
        return (offsets, outputs);
    }

    /// <summary>The same map as a 0/1 <see cref="DenseOp"/> [output size, input size] (for consumers that host only that).</summary>
    public DenseOp Expanded()
    {
        int cols = InputShape.Size;
        var data = new float[(long)_map.Length * cols];
        for (int i = 0; i < _map.Length; i++) data[(long)i * cols + _map[i]] = 1f;
        return new DenseOp(InputShape, new FloatTensor([_map.Length, cols], data));
    }
}
