namespace Ann2Snn.Data;

/// <summary>
/// Where a stored array of samples lives: <see cref="OpenAtData"/> opens a fresh stream positioned at the
/// first element, so each enumeration reads the file sequentially on its own.
/// </summary>
internal sealed record TensorSource(string File, Func<Stream> OpenAtData, ElementType Type);
