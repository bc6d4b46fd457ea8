namespace Ann2Snn.Ann;

/// <summary>The gradient of a loss with respect to one parameter of one node, summed over the batch.</summary>
/// <param name="Node">the node's name.</param>
/// <param name="Parameter">the parameter (<c>weight</c>, <c>bias</c>, <c>scale</c>, <c>shift</c>, <c>slope</c>).</param>
/// <param name="Values">the gradient, laid out as the parameter is.</param>
public sealed record ParameterGradient(string Node, string Parameter, float[] Values);
