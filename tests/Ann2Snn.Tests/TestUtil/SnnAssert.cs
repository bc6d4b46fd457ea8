using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>Field-by-field equality of spiking networks, with floats compared bit for bit.</summary>
internal static class SnnAssert
{
    public static void Equal(SpikingNetwork expected, SpikingNetwork actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.InputShape, actual.InputShape);
        Assert.Equal(expected.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal),
            actual.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        for (int i = 0; i < expected.Layers.Count; i++)
        {
            SpikingLayer e = expected.Layers[i], a = actual.Layers[i];
            string where = $"layer {i} '{e.Name}'";
            Assert.Equal(e.GetType(), a.GetType());
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Kind, a.Kind);
            Assert.Equal(e.Shape, a.Shape);
            switch (e)
            {
                case NeuronLayer n:
                    {
                        var m = (NeuronLayer)a;
                        Assert.Equal(n.Neuron, m.Neuron);
                        Bits(n.Bias, m.Bias, where + " bias");
                        Assert.Equal(n.NegativeGain is null, m.NegativeGain is null);
                        if (n.NegativeGain is not null) Bits(n.NegativeGain, m.NegativeGain!, where + " negative_gain");
                        break;
                    }
                case ReadoutLayer r:
                    Bits(r.Bias, ((ReadoutLayer)a).Bias, where + " bias");
                    break;
                case MaxPoolLayer p:
                    {
                        var q = (MaxPoolLayer)a;
                        Assert.Equal(p.Source, q.Source);
                        Assert.Equal(p.InputShape, q.InputShape);
                        Assert.Equal(p.Window, q.Window);
                        Assert.Equal(p.Scheme, q.Scheme);
                        break;
                    }
                case OperatorLayer o:
                    {
                        var q = (OperatorLayer)a;
                        Assert.Equal(o.Operator, q.Operator);
                        Assert.Equal(o.Operands.Select(x => x.Shape), q.Operands.Select(x => x.Shape));
                        Assert.Equal(o.Operands.Select(x => x.Projections.Count), q.Operands.Select(x => x.Projections.Count));
                        Assert.Equal(o.NormalizedAxes, q.NormalizedAxes);
                        Assert.Equal(o.Epsilon, q.Epsilon);
                        Assert.Equal(o.Gamma is null, q.Gamma is null);
                        if (o.Gamma is not null) Bits(o.Gamma, q.Gamma!, where + " gamma");
                        if (o.Beta is not null) Bits(o.Beta, q.Beta!, where + " beta");
                        break;
                    }
                default:
                    throw new InvalidOperationException($"{where}: unexpected layer type {e.GetType().Name}");
            }
            IReadOnlyList<Projection> pe = SpikingNetwork.ProjectionsOf(e), pa = SpikingNetwork.ProjectionsOf(a);
            Assert.Equal(pe.Count, pa.Count);
            for (int j = 0; j < pe.Count; j++)
            {
                Assert.Equal(pe[j].Source, pa[j].Source);
                Assert.Equal(pe[j].Ops.Count, pa[j].Ops.Count);
                for (int k = 0; k < pe[j].Ops.Count; k++) Op(pe[j].Ops[k], pa[j].Ops[k], $"{where} projection {j} op {k}");
            }
        }
    }

    private static void Op(SynapticOp e, SynapticOp a, string where)
    {
        Assert.Equal(e.GetType(), a.GetType());
        Assert.Equal(e.InputShape, a.InputShape);
        Assert.Equal(e.OutputShape, a.OutputShape);
        Assert.Equal(e.FanOut, a.FanOut);
        switch (e)
        {
            case DenseOp d:
                Tensor(d.Weight, ((DenseOp)a).Weight, where);
                break;
            case TokenDenseOp t:
                Tensor(t.Weight, ((TokenDenseOp)a).Weight, where);
                break;
            case SelectOp s:
                Assert.Equal(s.Map.ToArray(), ((SelectOp)a).Map.ToArray());
                break;
            case ConvOp c:
                {
                    var b = (ConvOp)a;
                    Tensor(c.Weight, b.Weight, where);
                    Assert.Equal(c.Window, b.Window);
                    Assert.Equal(c.Groups, b.Groups);
                    break;
                }
            case AvgPoolOp p:
                {
                    var q = (AvgPoolOp)a;
                    Assert.Equal(p.Window, q.Window);
                    Assert.Equal(p.CountIncludePad, q.CountIncludePad);
                    break;
                }
            case ScaleOp s:
                Bits(s.Scale, ((ScaleOp)a).Scale, where + " scale");
                break;
            case ConcatSliceOp cat:
                Assert.Equal(cat.ChannelOffset, ((ConcatSliceOp)a).ChannelOffset);
                break;
            case ReshapeOp:
                break;
            default:
                throw new InvalidOperationException($"{where}: unexpected op type {e.GetType().Name}");
        }
    }

    private static void Tensor(FloatTensor e, FloatTensor a, string where)
    {
        Assert.Equal(e.Shape, a.Shape);
        Bits(e.Data, a.Data, where + " weight");
    }

    private static void Bits(float[] e, float[] a, string where)
    {
        Assert.Equal(e.Length, a.Length);
        int[] eb = e.Select(BitConverter.SingleToInt32Bits).ToArray(), ab = a.Select(BitConverter.SingleToInt32Bits).ToArray();
        Assert.True(eb.AsSpan().SequenceEqual(ab), $"{where}: values differ");
    }
}
