namespace Ann2Snn.Adversarial;

/// <summary>The command-line names of <see cref="AttackMethod"/>.</summary>
public static class AttackMethods
{
    /// <summary>Every method's name, in the enum's order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fgsm", "pgd", "pgd-l2", "sign-flip"];

    public static string Name(this AttackMethod method) => Names[(int)method];

    /// <summary>The method named <paramref name="name"/>, or throws naming <paramref name="option"/> and the choices.</summary>
    public static AttackMethod Parse(string name, string option = "method")
    {
        int i = Names.ToList().IndexOf(name?.Trim().ToLowerInvariant() ?? "");
        if (i < 0) ThrowHelper.InvalidOption(option, $"'{name}' is not a method; use {string.Join(", ", Names)}");
        return (AttackMethod)i;
    }

    /// <summary>Whether the method's ball is L∞ (every method but <see cref="AttackMethod.PgdL2"/>).</summary>
    public static bool IsLInfinity(this AttackMethod method) => method != AttackMethod.PgdL2;
}
