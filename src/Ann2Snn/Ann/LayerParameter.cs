namespace Ann2Snn.Ann;

/// <summary>A parameter of a layer that has a gradient: its name (<c>weight</c>, <c>bias</c>, <c>scale</c>, …) and element count.</summary>
public sealed record LayerParameter(string Name, int Size);
