namespace Ann2Snn.Fuzz;

/// <summary>The rules every target is held to, whether under afl-fuzz or replaying files.</summary>
internal static class Harness
{
    /// <summary>
    /// Most bytes one input may allocate. The seeds and the fuzzer's inputs are a few kilobytes: a loader that
    /// allocates more believed a size field it should have checked against the input first.
    /// </summary>
    public const long MaxAllocatedBytes = 64L << 20;

    /// <summary>Runs one input: returns quietly when it loaded cleanly or was refused cleanly; throws otherwise.</summary>
    /// <returns>The refusal, or null when the input loaded.</returns>
    public static Ann2SnnException? Run(Target target, byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Ann2SnnException? refusal = null;
        try
        {
            target.Load(input);
        }
        catch (Ann2SnnException ex)
        {
            refusal = ex;
            CheckRefusal(target, ex);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > MaxAllocatedBytes)
        {
            throw new FindingException($"{target.Name}: allocated {allocated} bytes for a {input.Length}-byte input "
                + $"(limit {MaxAllocatedBytes})", refusal);
        }
        return refusal;
    }

    private static void CheckRefusal(Target target, Ann2SnnException ex)
    {
        string message = ex.Message;
        if (message.Length == 0 || message.Contains('\n', StringComparison.Ordinal) || message.Contains('\r', StringComparison.Ordinal))
        {
            throw new FindingException($"{target.Name}: the error message is empty or spans lines", ex);
        }
        if (!message.StartsWith(target.MessagePrefix(), StringComparison.Ordinal))
        {
            throw new FindingException($"{target.Name}: the error does not start with the file it is about", ex);
        }
        // The first cause that is not one of ours must be an error the loader meant to translate (a parser's, the I/O
        // layer's); what that error wraps in turn is its library's business.
        Exception? cause = ex.InnerException;
        while (cause is Ann2SnnException)
        {
            cause = cause.InnerException;
        }
        if (cause is not null && !target.ExpectedCause(cause))
        {
            throw new FindingException($"{target.Name}: the typed error wraps an unexpected {cause.GetType().FullName}", ex);
        }
    }

    /// <summary>Throws a finding unless <paramref name="condition"/> holds (a loaded value that lies).</summary>
    public static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new FindingException(what);
        }
    }
}
