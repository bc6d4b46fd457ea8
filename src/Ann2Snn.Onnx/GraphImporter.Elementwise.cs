using Ann2Snn.Graph;

namespace Ann2Snn.Onnx;

/// <summary>Element-wise ops: Add/Sub/Mul/Div, Relu, Clip, and inference BatchNormalization.</summary>
internal sealed partial class GraphImporter
{
    /// <summary>
    /// Add of two tensors of one shape is an <see cref="AddNode"/>, other Add/Sub/Mul/Div of two tensors (of one rank,
    /// broadcasting) a <see cref="BinaryNode"/>; Add/Sub/Mul/Div of a tensor and a constant is a
    /// <see cref="ScaleShiftNode"/> (y = x·scale + shift) named after the ONNX op.
    /// </summary>
    private void Arithmetic(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        string op = n.OpType;
        Value left = n.Input(0), right = n.Input(1);
        if (left is not ConstantValue && right is not ConstantValue)
        {
            TensorValue a = n.Tensor(0), b = n.Tensor(1);
            if (op == "Add" && a.Shape.Equals(b.Shape))
            {
                SetOutput(n, n.Make(() => new AddNode(n.Name, a.Node, b.Node)));
                return;
            }
            if (a.Shape.Rank != b.Shape.Rank)
            {
                n.Unsupported($"broadcasting {op} of [N, {string.Join(", ", a.Shape)}] and [N, {string.Join(", ", b.Shape)}] "
                    + "is not supported; the operands must have the same rank");
            }
            BinaryKind kind = Enum.Parse<BinaryKind>(op);
            SetOutput(n, n.Make(() => new BinaryNode(n.Name, a.Node, b.Node, kind)));
            return;
        }
        if (left is ConstantValue && right is ConstantValue)
        {
            n.Unsupported("arithmetic on two constants that do not broadcast simply is not supported");
        }
        bool constantFirst = left is ConstantValue;
        TensorValue x = n.Tensor(constantFirst ? 1 : 0);
        ConstTensor c = n.Weight(constantFirst ? 0 : 1, constantFirst ? "A" : "B");
        float[] v = ConstantBroadcast.ToPerSample(c, x.Shape, out string reason) ?? n.Unsupported<float[]>(reason);
        float[] one = [1], zero = [0];
        (float[] scale, float[] shift) = op switch
        {
            "Add" => (one, v),
            "Mul" => (v, zero),
            "Sub" when constantFirst => ([-1], v),
            "Sub" => (one, Negated(v)),
            "Div" when constantFirst => n.Unsupported<(float[], float[])>("dividing a constant by a tensor is not supported"),
            _ => (Reciprocal(n, v, c.Name), zero),
        };
        SetOutput(n, n.Make(() => new ScaleShiftNode(n.Name, x.Node, scale, shift, op)));
    }

    private static float[] Negated(float[] v)
    {
        var r = new float[v.Length];
        System.Numerics.Tensors.TensorPrimitives.Negate(v, r);
        return r;
    }

    private static float[] Reciprocal(OnnxNode n, float[] v, string name)
    {
        int zero = Array.IndexOf(v, 0f);
        if (zero < 0) zero = Array.IndexOf(v, -0f);
        if (zero >= 0) n.Fail($"divides by zero (element {zero} of '{Text.Clean(name)}')");
        var r = new float[v.Length];
        System.Numerics.Tensors.TensorPrimitives.Reciprocal(v, r);
        ThrowHelper.ThrowIfNotFinite(r, $"{n.Where}: reciprocal of tensor '{Text.Clean(name)}'");
        return r;
    }

    private void Relu(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        SetOutput(n, n.Make(() => new ReluNode(n.Name, n.Tensor(0).Node)));
    }

    /// <summary>Clip: min/max are attributes before opset 11 and optional inputs from 11; a missing bound is ±∞.</summary>
    private void Clip(OnnxNode n)
    {
        float min, max;
        if (n.Opset < 11)
        {
            n.RequireInputs(1, 1);
            min = n.Float("min", float.NegativeInfinity);
            max = n.Float("max", float.PositiveInfinity);
        }
        else
        {
            n.RequireInputs(1, 3);
            min = n.HasInput(1) ? n.Scalar(1, "min") : float.NegativeInfinity;
            max = n.HasInput(2) ? n.Scalar(2, "max") : float.PositiveInfinity;
        }
        SetOutput(n, n.Make(() => new ClipNode(n.Name, n.Tensor(0).Node, min, max)));
    }

    private void BatchNormalization(OnnxNode n)
    {
        n.RequireInputs(5, 5); // training_mode=1 and spatial=0 are refused by the version table
        TensorValue x = n.Tensor(0);
        float[] scale = n.Weight(1, "scale").Floats, bias = n.Weight(2, "B").Floats;
        float[] mean = n.Weight(3, "mean").Floats, variance = n.Weight(4, "var").Floats;
        float epsilon = n.Float("epsilon", 1e-5f);
        SetOutput(n, n.Make(() => new BatchNormNode(n.Name, x.Node, scale, bias, mean, variance, epsilon)));
    }
}
