namespace Ann2Snn.Analysis;

/// <summary>
/// Energy costs, in joules, of the operations an energy estimate counts. <see cref="SynapticEvent"/> is one spike
/// delivered along one synapse (an accumulate, on digital hardware); <see cref="Mac"/> is one multiply-accumulate of the
/// ANN (and of an SNN's analog first layer). A memory-aware profile also charges <see cref="WeightRead"/> per synaptic
/// event and per MAC, and <see cref="StateAccess"/> (one read plus one write) per neuron update: per neuron and step in
/// the SNN, per output value of a weighted layer in the ANN. Zero means "not charged".
/// </summary>
public sealed record EnergyProfile(string Name, double SynapticEvent, double Mac, double WeightRead = 0, double StateAccess = 0)
{
    private const double Pico = 1e-12;

    /// <summary>
    /// 45 nm CMOS, 32-bit float (Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014):
    /// an FP32 multiply costs 3.7 pJ and an FP32 add 0.9 pJ, so a MAC 4.6 pJ; a synaptic event on a digital accelerator
    /// is one add, 0.9 pJ. Arithmetic only: memory traffic is not charged.
    /// </summary>
    public static EnergyProfile Cmos45Fp32 { get; } = new("cmos45-fp32", 0.9 * Pico, 4.6 * Pico);

    /// <summary>
    /// 45 nm CMOS, 8-bit integer (Horowitz, ISSCC 2014): an INT8 multiply costs 0.2 pJ and an INT8 add 0.03 pJ, so a MAC
    /// 0.23 pJ and a synaptic event 0.03 pJ. Arithmetic only.
    /// </summary>
    public static EnergyProfile Cmos45Int8 { get; } = new("cmos45-int8", 0.03 * Pico, 0.23 * Pico);

    /// <summary>
    /// Intel Loihi: 23.6 pJ per synaptic spike operation (Davies et al., "Loihi: a neuromorphic manycore processor with
    /// on-chip learning", IEEE Micro 38(1), 2018). The ANN it is compared with runs on the FP32 45 nm MAC (4.6 pJ, Horowitz).
    /// </summary>
    public static EnergyProfile Loihi { get; } = new("loihi", 23.6 * Pico, 4.6 * Pico);

    /// <summary>
    /// SpiNNaker 2: 10 pJ per synaptic event, the figure issue 6 gives for the 22 nm FDSOI prototypes (Mayr, Höppner and
    /// Furber, "SpiNNaker 2: a 10 million core processor system for brain simulation and machine learning", 2019;
    /// Höppner et al., "Dynamic power management for neuromorphic many-core systems", IEEE TCAS-I, 2019). ANN MAC: FP32 45 nm, 4.6 pJ.
    /// </summary>
    public static EnergyProfile SpiNNaker2 { get; } = new("spinnaker2", 10 * Pico, 4.6 * Pico);

    /// <summary>
    /// IBM TrueNorth: 26 pJ per synaptic event (Merolla et al., "A million spiking-neuron integrated circuit with a
    /// scalable communication network and interface", Science 345, 2014). ANN MAC: FP32 45 nm, 4.6 pJ.
    /// </summary>
    public static EnergyProfile TrueNorth { get; } = new("truenorth", 26 * Pico, 4.6 * Pico);

    /// <summary>
    /// 45 nm CMOS, FP32, memory-aware (Horowitz, ISSCC 2014): arithmetic as <see cref="Cmos45Fp32"/>, plus memory from
    /// an 8 KB SRAM, whose 64-bit read costs 10 pJ. Assumption: a 32-bit word costs half of that, 5 pJ per read or
    /// write. Every synaptic event and every MAC reads its weight (5 pJ); every neuron update reads and writes its
    /// state (10 pJ) — each SNN neuron once per step, each ANN output value once. Larger (DRAM) memories, caches and
    /// weight reuse are not modelled: the figures are a first-order, on-chip SRAM estimate.
    /// </summary>
    public static EnergyProfile Cmos45Memory { get; } = new("cmos45-memory", 0.9 * Pico, 4.6 * Pico,
        WeightRead: 5 * Pico, StateAccess: 10 * Pico);

    /// <summary>Every built-in profile.</summary>
    public static IReadOnlyList<EnergyProfile> BuiltIn { get; } = [Cmos45Fp32, Cmos45Int8, Loihi, SpiNNaker2, TrueNorth, Cmos45Memory];

    /// <summary>
    /// The built-in profile named <paramref name="name"/> (case-insensitive); throws <see cref="InvalidOptionException"/> naming
    /// the choices otherwise.
    /// </summary>
    public static EnergyProfile Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnergyProfile? p = BuiltIn.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));
        if (p is null) ThrowHelper.InvalidOption("energy-profile",
            $"unknown profile '{name}' (choose one of {string.Join(", ", BuiltIn.Select(b => b.Name))})");
        return p!;
    }

    /// <summary>Largest profile file read (bytes): a profile is a handful of numbers.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>
    /// A custom profile from a JSON file: an object with <c>name</c> (a string) and the costs in picojoules,
    /// <c>synaptic_event_pj</c> and <c>mac_pj</c> (required), <c>weight_read_pj</c> and <c>state_access_pj</c> (optional, 0), e.g.
    /// <c>{"name": "my-chip", "synaptic_event_pj": 2.5, "mac_pj": 4.6}</c>. Anything else (a missing or unknown field, a value
    /// of the wrong type, a negative or non-finite cost, a file that is not JSON or is too large) throws
    /// <see cref="InvalidOptionException"/> naming the option <c>energy-profile</c>, the file and what is wrong.
    /// </summary>
    public static EnergyProfile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string where = $"'{ThrowHelper.Printable(path, 120)}'";
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) ThrowHelper.InvalidOption("energy-profile", $"{where} does not exist");
            if (info.Length > MaxFileBytes) ThrowHelper.InvalidOption("energy-profile", $"{where} is over {MaxFileBytes:N0} bytes");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOptionException($"option 'energy-profile': {where} cannot be read: {e.Message}");
        }
        System.Text.Json.Nodes.JsonObject root;
        try
        {
            root = System.Text.Json.Nodes.JsonNode.Parse(bytes) as System.Text.Json.Nodes.JsonObject
                ?? throw new InvalidOptionException($"option 'energy-profile': {where} is not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidOptionException($"option 'energy-profile': {where} is not valid JSON ({e.Message.Split('.')[0]})");
        }
        string[] known = ["name", "synaptic_event_pj", "mac_pj", "weight_read_pj", "state_access_pj"];
        foreach (string key in root.Select(kv => kv.Key).Where(k => !known.Contains(k)))
        {
            ThrowHelper.InvalidOption("energy-profile", $"{where}: unknown field '{ThrowHelper.Printable(key, 40)}' (fields: "
                + $"{string.Join(", ", known)})");
        }
        string name = root["name"] is System.Text.Json.Nodes.JsonValue n && n.TryGetValue(out string? text) && text.Length > 0
            ? text
            : throw new InvalidOptionException($"option 'energy-profile': {where}: 'name' must be a non-empty string");
        double Cost(string key, bool required)
        {
            if (root[key] is null)
            {
                if (required) ThrowHelper.InvalidOption("energy-profile", $"{where}: '{key}' is missing");
                return 0;
            }
            if (root[key] is not System.Text.Json.Nodes.JsonValue v || !v.TryGetValue(out double pj))
            {
                throw new InvalidOptionException($"option 'energy-profile': {where}: '{key}' must be a number of picojoules");
            }
            if (!(pj >= 0) || !double.IsFinite(pj)) ThrowHelper.InvalidOption("energy-profile", $"{where}: '{key}' = {pj} is negative");
            return pj * Pico;
        }
        var profile = new EnergyProfile(ThrowHelper.Printable(name, 60), Cost("synaptic_event_pj", true), Cost("mac_pj", true),
            Cost("weight_read_pj", false), Cost("state_access_pj", false));
        profile.Validate();
        return profile;
    }

    /// <summary>Throws <see cref="InvalidOptionException"/> when a cost is negative or not finite.</summary>
    public void Validate()
    {
        foreach (var (what, value) in new[] { ("synaptic-event", SynapticEvent), ("mac", Mac),
            ("weight-read", WeightRead), ("state-access", StateAccess) })
        {
            if (!(value >= 0 && double.IsFinite(value))) ThrowHelper.InvalidOption("energy-profile",
                $"{Name}: {what} energy {value} must be finite and not negative");
        }
    }
}
