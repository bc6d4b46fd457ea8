namespace Ann2Snn.Export;

/// <summary>A published hardware figure and where it was published; <see cref="Value"/> null means not published.</summary>
public sealed record Limit(long? Value, string Source)
{
    public static Limit NotPublished(string what) => new(null, $"not published ({what})");

    public override string ToString() => Value is { } v ? $"{v:N0} ({Source})" : Source;
}
