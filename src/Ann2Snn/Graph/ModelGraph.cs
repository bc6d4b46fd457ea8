using System.Text;

namespace Ann2Snn.Graph;

/// <summary>
/// An ANN as an immutable DAG: one input, one output, nodes in topological order (every node after its inputs).
/// </summary>
public sealed class ModelGraph
{
    private readonly Dictionary<Node, int> _index;
    private readonly int[] _consumers;

    public ModelGraph(InputNode input, Node output, string name = "model")
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Name = name;
        Input = input;
        Output = output;
        Nodes = TopologicalOrder(output);
        if (Nodes[0] != input && !Nodes.Contains(input))
        {
            throw new InvalidModelException($"graph '{name}': output '{output.Name}' does not depend on input '{input.Name}'");
        }
        _index = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Nodes.Count; i++)
        {
            Node n = Nodes[i];
            if (n is InputNode && n != input)
            {
                throw new InvalidModelException($"graph '{name}': node '{n.Name}' is a second input; only one graph input is supported");
            }
            if (!names.Add(n.Name))
            {
                throw new InvalidModelException($"graph '{name}': two nodes are named '{n.Name}'");
            }
            _index[n] = i;
        }
        _consumers = new int[Nodes.Count];
        foreach (Node n in Nodes)
        {
            foreach (Node i in n.Inputs) _consumers[_index[i]]++;
        }
    }

    public string Name { get; }
    public InputNode Input { get; }
    public Node Output { get; }

    /// <summary>All nodes reachable from the output, inputs before consumers; the <see cref="Input"/> is first.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    public int IndexOf(Node node) => _index.TryGetValue(node, out int i) ? i : -1;

    /// <summary>How many nodes read this node's output (the graph output counts as no consumer).</summary>
    public int ConsumerCount(Node node) => _consumers[_index[node]];

    public IEnumerable<Node> ConsumersOf(Node node) => Nodes.Where(n => n.Inputs.Contains(node));

    public long TotalParameters => Nodes.Sum(n => n.Parameters);
    public long TotalMacs => Nodes.Sum(n => n.Macs);

    /// <summary>A readable listing: one line per node with op, inputs, output shape and attributes.</summary>
    public string Dump()
    {
        var sb = new StringBuilder();
        sb.Append("graph ").Append(Name).Append(": ").Append(Nodes.Count).Append(" nodes, ")
          .Append(TotalParameters).Append(" params, ").Append(TotalMacs).Append(" MACs\n");
        foreach (Node n in Nodes)
        {
            sb.Append("  ").Append(n.Name).Append(" = ").Append(n.Op).Append('(')
              .Append(string.Join(", ", n.Inputs.Select(i => i.Name))).Append(") → ").Append(n.OutputShape);
            string d = n.Describe();
            if (d.Length > 0) sb.Append("  ").Append(d);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static List<Node> TopologicalOrder(Node output)
    {
        // Iterative DFS post-order (deep graphs must not overflow the stack).
        var order = new List<Node>();
        var state = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance); // 1 = on stack, 2 = done
        var stack = new Stack<(Node Node, int Next)>();
        stack.Push((output, 0));
        state[output] = 1;
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.Inputs.Count)
            {
                stack.Push((node, next + 1));
                Node child = node.Inputs[next];
                if (!state.TryGetValue(child, out int s))
                {
                    state[child] = 1;
                    stack.Push((child, 0));
                }
                else if (s == 1)
                {
                    throw new InvalidModelException($"graph: cycle through node '{child.Name}'");
                }
            }
            else
            {
                state[node] = 2;
                order.Add(node);
            }
        }
        // Keep the input first so executors can rely on it.
        int inputAt = order.FindIndex(n => n is InputNode);
        if (inputAt > 0)
        {
            Node input = order[inputAt];
            order.RemoveAt(inputAt);
            order.Insert(0, input);
        }
        return order;
    }
}
