namespace Ann2Snn.Fuzz;

/// <summary>Runs saved inputs (a seed corpus, afl-fuzz's crashes and hangs) outside the fuzzer, one line each.</summary>
internal static class Replay
{
    public static int Files(Target target, IEnumerable<string> paths)
    {
        GiveInstrumentationAMap();
        var files = paths
            .SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal).ToArray() : [p])
            .Where(p => Path.GetFileName(p) != "README.txt") // afl-fuzz's note in its crashes folder
            .ToList();
        int loaded = 0, refused = 0, findings = 0;
        foreach (string file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                Ann2SnnException? refusal = Harness.Run(target, input);
                string time = $"{clock.Elapsed.TotalMilliseconds:F1} ms";
                if (refusal is null)
                {
                    loaded++;
                    Console.WriteLine($"loaded   {file} ({time})");
                }
                else
                {
                    refused++;
                    Console.WriteLine($"refused  {file} ({time}): {refusal.GetType().Name}: {refusal.Message}");
                }
            }
            catch (Exception ex)
            {
                findings++;
                Console.WriteLine($"FINDING  {file}: {ex.GetType().Name}: {ex.Message}");
                Console.WriteLine("         " + ex.ToString().ReplaceLineEndings(Environment.NewLine + "         "));
            }
        }
        Console.WriteLine($"{target.Name}: {files.Count} inputs, {loaded} loaded, {refused} refused, {findings} findings");
        return findings == 0 ? 0 : 1;
    }

    /// <summary>
    /// Instrumented assemblies (fuzz/run.sh's build) write every branch to SharpFuzz's coverage map, which only
    /// afl-fuzz (or SharpFuzz's own single run) sets up; a replay gives them a scratch one.
    /// </summary>
    private static unsafe void GiveInstrumentationAMap()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null)
        {
            SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
        }
    }
}
