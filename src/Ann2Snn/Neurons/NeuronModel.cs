namespace Ann2Snn.Neurons;

/// <summary>
/// A neuron model: the membrane dynamics of a population, one sealed type per model in one file
/// (<see cref="IntegrateAndFire"/>, <see cref="LeakyIntegrateAndFire"/>), registered by name in <see cref="NeuronModels"/>.
/// Each model holds side by side, with its equations and units in its doc comment:
/// <list type="bullet">
/// <item>its parameters: their domain (<see cref="Validate"/>) and those of a converted population (<see cref="ForConversion"/>);</item>
/// <item>its discrete step over Δt, charge, fire, reset in that order (<see cref="Step"/>, the scalar reference the kernels
/// fall back on, and its <see cref="InputGain"/>);</item>
/// <item>its exact continuous-time solution under constant input (<see cref="TimeToThreshold"/>, <see cref="Advance"/>,
/// <see cref="Rate"/>): the oracle the Δt study measures the step against, in double precision.</item>
/// </list>
/// A model is stateless: its values are a <see cref="NeuronParameters"/> (whose fields every model shares: threshold, reset
/// mode, refractory period, V(0), Δt) and its state lives in the caller's buffers.
/// </summary>
public abstract class NeuronModel
{
    private protected NeuronModel()
    {
    }

    /// <summary>The model's name on the command line (<c>--neuron</c>) and in .snn files (<c>neuron.kind</c>); lower case.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the model may have signed spikes (<see cref="NeuronParameters.SignedSpikes"/>).</summary>
    public virtual bool AllowsSignedSpikes => false;

    /// <summary>
    /// Checks the parameters only this model reads (the shared ones are checked by <see cref="NeuronParameters.Validate"/>, which
    /// calls this); throws <see cref="InvalidOptionException"/> naming the parameter.
    /// </summary>
    public abstract void Validate(in NeuronParameters p);

    /// <summary>
    /// The parameters of a population converted from a ReLU: threshold <paramref name="threshold"/>, Δt = 1 step and a per-step
    /// input gain of exactly 1, so that the rate code N = I·T/V_th of IF holds; a model with a time constant takes
    /// τm = <paramref name="tauMem"/> steps. Reset by subtraction, no refractory period, V(0) = 0, unsigned: the converter sets those.
    /// </summary>
    public abstract NeuronParameters ForConversion(float threshold, float tauMem);

    /// <summary>The factor of the input current in one step's charge (the membrane change per unit input, without leak).</summary>
    public abstract float InputGain(in NeuronParameters p);

    /// <summary>The potential after a reset to zero.</summary>
    public abstract float ResetPotential(in NeuronParameters p);

    /// <summary>
    /// The scalar reference step: charge, fire and reset every neuron once under input current <paramref name="current"/>;
    /// writes the spikes of each neuron (0 or 1; 0..B with a burst limit B, <see cref="NeuronParameters.BurstLimit"/>) to
    /// <paramref name="spikes"/> and returns the number of spikes. <paramref name="refractory"/> holds the
    /// remaining refractory steps per neuron and is read only when τ_ref &gt; 0. All spans have the same length.
    /// </summary>
    public abstract int Step(in NeuronParameters p, Span<float> v, Span<int> refractory, ReadOnlySpan<float> current, Span<float> spikes);

    /// <summary>
    /// Time for V to rise from <paramref name="v"/> to V_th under constant <paramref name="current"/>: 0 at or above V_th,
    /// ∞ when it never does.
    /// </summary>
    public abstract double TimeToThreshold(in NeuronParameters p, double v, double current);

    /// <summary>
    /// Potential after <paramref name="duration"/> of sub-threshold integration from <paramref name="v"/> under constant
    /// <paramref name="current"/>.
    /// </summary>
    public abstract double Advance(in NeuronParameters p, double v, double current, double duration);

    /// <summary>
    /// Potential right after a spike in continuous time, where V is exactly V_th at the crossing: 0 after a reset by
    /// subtraction, <see cref="ResetPotential"/> after a reset to zero.
    /// </summary>
    public double PotentialAfterSpike(in NeuronParameters p) => p.Reset == ResetMode.BySubtraction ? 0 : ResetPotential(p);

    /// <summary>
    /// Steady firing rate under constant <paramref name="current"/> with an absolute refractory period of
    /// <paramref name="refractoryTime"/>: f = 1/(τ_ref + T), T the time to threshold from <see cref="PotentialAfterSpike"/>;
    /// 0 when it never fires.
    /// </summary>
    public double Rate(in NeuronParameters p, double current, double refractoryTime = 0)
    {
        double t = TimeToThreshold(p, PotentialAfterSpike(p), current);
        return double.IsFinite(t) ? 1 / (refractoryTime + t) : 0;
    }

    public override string ToString() => Name;

    /// <summary>One neuron's charge, fire and reset with the step's constants: a struct, so <see cref="Step{TRule}"/> inlines it.</summary>
    private protected interface IStepRule
    {
        /// <summary>The potential after integrating one step of input <paramref name="current"/> from <paramref name="v"/>.</summary>
        float Charge(float v, float current);

        /// <summary>Whether the charged potential <paramref name="v"/> spikes.</summary>
        bool Fire(float v);

        /// <summary>The potential after a spike at <paramref name="v"/>.</summary>
        float Reset(float v);
    }

    /// <summary>
    /// The loop of every model's <see cref="Step(in NeuronParameters, Span{float}, Span{int}, ReadOnlySpan{float}, Span{float})"/>:
    /// a refractory neuron counts down and is held; any other is charged, and fires and is reset (and made refractory) when
    /// <see cref="IStepRule.Fire"/> says so, again while it says so up to <paramref name="burst"/> times in the step.
    /// </summary>
    private protected static int Step<TRule>(TRule rule, int refractorySteps, int burst, Span<float> v, Span<int> refractory,
        ReadOnlySpan<float> current, Span<float> spikes)
        where TRule : struct, IStepRule
    {
        int count = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (refractorySteps > 0 && refractory[i] > 0)
            {
                refractory[i]--;
                spikes[i] = 0f;
                continue;
            }
            float vv = rule.Charge(v[i], current[i]);
            if (rule.Fire(vv))
            {
                vv = rule.Reset(vv);
                int k = 1;
                for (; k < burst && rule.Fire(vv); k++) vv = rule.Reset(vv);
                spikes[i] = k;
                count += k;
                if (refractorySteps > 0) refractory[i] = refractorySteps;
            }
            else
            {
                spikes[i] = 0f;
            }
            v[i] = vv;
        }
        return count;
    }
}
