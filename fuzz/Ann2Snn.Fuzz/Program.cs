using Ann2Snn.Fuzz;
using SharpFuzz;

// Usage:
//   Ann2Snn.Fuzz TARGET                 under afl-fuzz: SharpFuzz's fork server (inputs on stdin); else one input from stdin
//   Ann2Snn.Fuzz TARGET PATH...         replay files (or every file of folders): one line per input; exit 1 on a finding
//   Ann2Snn.Fuzz --list                 the targets
//   Ann2Snn.Fuzz --manifest-seed IN.snn OUT   an snn-manifest input made from a .snn file
if (args.Length == 0 || args[0] is "-h" or "--help" or "--list")
{
    Console.WriteLine("usage: Ann2Snn.Fuzz TARGET [PATH...] | --list | --manifest-seed IN.snn OUT");
    foreach (Target t in Targets.All)
    {
        Console.WriteLine($"  {t.Name,-13} {t.Summary}");
    }
    return args.Length == 0 ? 2 : 0;
}
if (args[0] == "--manifest-seed" && args.Length == 3)
{
    File.WriteAllBytes(args[2], SnnEntries.FromContainer(File.ReadAllBytes(args[1])));
    return 0;
}
Target? target = Targets.Find(args[0]);
if (target is null)
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; --list shows them");
    return 2;
}
if (args.Length == 1)
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var input = new MemoryStream();
        stream.CopyTo(input);
        Harness.Run(target, input.ToArray());
    });
    return 0;
}
return Replay.Files(target, args.Skip(1));
