using System.Reflection;
using System.Reflection.Emit;
using Ann2Snn.Kernels;
using Ann2Snn.Neurons;

namespace Ann2Snn.Tests.Neurons;

/// <summary>
/// The floor's dependency rules (DESIGN.md), read from the compiled code: every type a member's signature, local or
/// instruction names. Neurons stand on the BCL and the errors only; kernels on Tensors, Neurons and the errors as well.
/// </summary>
public class NeuronDependencyTests
{
    private static readonly Assembly Library = typeof(NeuronModel).Assembly;

    [Fact]
    public void NeuronsUseOnlyTheBclAndTheErrors() =>
        AssertUses(Library.GetTypes().Where(t => t.Namespace == "Ann2Snn.Neurons"), "Ann2Snn", "Ann2Snn.Neurons");

    [Fact]
    public void KernelsUseOnlyTensorsNeuronsAndTheErrors() =>
        AssertUses(Library.GetTypes().Where(t => t.Namespace == "Ann2Snn.Kernels"),
            "Ann2Snn", "Ann2Snn.Kernels", "Ann2Snn.Neurons", "Ann2Snn.Tensors");

    private static void AssertUses(IEnumerable<Type> types, params string[] namespaces)
    {
        Type[] scope = [.. types];
        Assert.NotEmpty(scope);
        string[] bad = [.. scope.SelectMany(t => Used(t).Where(u => !Allowed(u, namespaces)).Select(u => $"{t.FullName} uses {u.FullName}"))
            .Distinct()];
        Assert.True(bad.Length == 0, string.Join(Environment.NewLine, bad));
    }

    private static bool Allowed(Type t, string[] namespaces)
    {
        if (t.HasElementType) return Allowed(t.GetElementType()!, namespaces);
        if (t.IsGenericParameter) return true;
        if (t.IsConstructedGenericType && !t.GetGenericArguments().All(a => Allowed(a, namespaces))) return false;
        if (t.Assembly != Library)
        {
            return t.Assembly.GetName().Name is { } a && (a.StartsWith("System", StringComparison.Ordinal) || a == "netstandard");
        }
        return t.Namespace is null ? t.Name.StartsWith('<') : namespaces.Contains(t.Namespace); // '<': compiler-generated helpers
    }

    /// <summary>Every type <paramref name="t"/> and its own members name: base, interfaces, signatures, locals, instructions.</summary>
    private static IEnumerable<Type> Used(Type t)
    {
        if (t.BaseType is { } b) yield return b;
        foreach (Type i in t.GetInterfaces()) yield return i;
        const BindingFlags all =
            BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        foreach (MemberInfo m in t.GetMembers(all))
        {
            foreach (Type u in Signature(m)) yield return u;
            if (m is not MethodBase method || method.GetMethodBody() is not { } body) continue;
            foreach (LocalVariableInfo local in body.LocalVariables) yield return local.LocalType;
            Type[]? typeArgs = t.IsGenericType ? t.GetGenericArguments() : null;
            Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
            foreach (int token in Tokens(body.GetILAsByteArray()!))
            {
                foreach (Type u in Signature(method.Module.ResolveMember(token, typeArgs, methodArgs)!)) yield return u;
            }
        }
    }

    private static IEnumerable<Type> Signature(MemberInfo m)
    {
        if (m is Type type)
        {
            yield return type;
            yield break;
        }
        if (m.DeclaringType is { } d) yield return d;
        switch (m)
        {
            case FieldInfo f:
                yield return f.FieldType;
                break;
            case PropertyInfo p:
                yield return p.PropertyType;
                break;
            case MethodBase mb:
                if (mb is MethodInfo mi) yield return mi.ReturnType;
                foreach (ParameterInfo p in mb.GetParameters()) yield return p.ParameterType;
                if (mb.IsGenericMethod)
                {
                    foreach (Type a in mb.GetGenericArguments()) yield return a;
                }
                break;
        }
    }

    private static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static NeuronDependencyTests()
    {
        foreach (FieldInfo f in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)f.GetValue(null)!;
            (op.Size == 1 ? OneByte : TwoByte)[(ushort)op.Value & 0xFF] = op;
        }
    }

    /// <summary>The metadata tokens (fields, methods, types) that the instructions of a method body name.</summary>
    private static IEnumerable<int> Tokens(byte[] il)
    {
        for (int i = 0; i < il.Length;)
        {
            OpCode op = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += op.Size;
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    yield return BitConverter.ToInt32(il, i);
                    i += 4;
                    break;
                default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    i += 4;
                    break;
            }
        }
    }
}
