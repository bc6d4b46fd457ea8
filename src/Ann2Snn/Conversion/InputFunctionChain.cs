using Ann2Snn.Graph;
using Ann2Snn.Snn;

namespace Ann2Snn.Conversion;

/// <summary>
/// The element-wise function of the input itself that becomes part of the input encoding (<see cref="InputFunction"/>):
/// the path from the graph input through nodes that each have one consumer — Identity, Reshape, ScaleShift, ReLU, Clip
/// (min ≤ max) and activations (Sigmoid, Tanh, LeakyRelu, PRelu, Elu, HardSigmoid, HardSwish, Floor) — up to its last
/// node that conversion could not express otherwise (an activation, or a Clip whose lower bound is not 0). Per-channel
/// (or per-element) parameters must follow the input's own layout, so they may not come after a Reshape; scalar ones
/// may. Reshapes stay synapses; the other nodes of the chain are the encoder's.
/// </summary>
public static class InputFunctionChain
{
    /// <summary>The chain's nodes in order, or none when the input has no function of its own.</summary>
    public static IReadOnlyList<Node> Of(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var chain = new List<Node>();
        int last = -1;
        bool reshaped = false;
        for (Node at = graph.Input; at != graph.Output && graph.ConsumerCount(at) == 1;)
        {
            Node c = graph.ConsumersOf(at).Single();
            bool takes = c switch
            {
                IdentityNode or ReluNode => true,
                ReshapeNode => (reshaped = true),
                ScaleShiftNode s => !reshaped || (s.Scale.Length == 1 && s.Shift.Length == 1),
                ClipNode clip => clip.Min <= clip.Max,
                ActivationNode a => HasInputFunction(a.Kind) && (!reshaped || a.Slope is null or { Length: 1 }),
                _ => false,
            };
            if (!takes) break;
            chain.Add(c);
            if (c is ActivationNode || c is ClipNode { Min: not 0f }) last = chain.Count - 1;
            at = c;
        }
        return chain.Take(last + 1).ToArray();
    }

    /// <summary>The function the chain computes on the input (its reshapes left out), or null for an empty chain.</summary>
    public static InputFunction? Function(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var steps = new List<InputFunctionStep>();
        foreach (Node n in Of(graph))
        {
            switch (n)
            {
                case ScaleShiftNode s:
                    steps.Add(new(InputFunctionKind.Affine, [s.Scale, s.Shift]));
                    break;
                case ReluNode:
                    steps.Add(new(InputFunctionKind.Relu));
                    break;
                case ClipNode c:
                    steps.Add(new(InputFunctionKind.Clip, [[c.Min], [c.Max]]));
                    break;
                case ActivationNode a:
                    steps.Add(Step(a));
                    break;
            }
        }
        return steps.Count == 0 ? null : new InputFunction(steps, graph.Input.OutputShape);
    }

    private static InputFunctionStep Step(ActivationNode a) => a.Kind switch
    {
        ActivationKind.Sigmoid => new(InputFunctionKind.Sigmoid),
        ActivationKind.Tanh => new(InputFunctionKind.Tanh),
        ActivationKind.LeakyRelu => new(InputFunctionKind.LeakyRelu, [[a.Alpha]]),
        ActivationKind.PRelu => new(InputFunctionKind.PRelu, [a.Slope!]),
        ActivationKind.Elu => new(InputFunctionKind.Elu, [[a.Alpha]]),
        ActivationKind.HardSigmoid => new(InputFunctionKind.HardSigmoid, [[a.Alpha], [a.Beta]]),
        ActivationKind.HardSwish => new(InputFunctionKind.HardSwish),
        ActivationKind.Floor => new(InputFunctionKind.Floor),
        _ => throw new InvalidOperationException($"activation {a.Kind} has no input function"),
    };

    /// <summary>Whether the input encoder can apply <paramref name="kind"/> (the Transformer functions it cannot).</summary>
    private static bool HasInputFunction(ActivationKind kind) =>
        kind is not (ActivationKind.Gelu or ActivationKind.GeluTanh or ActivationKind.Erf or ActivationKind.Sqrt or ActivationKind.Pow);
}
