using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>Average pooling as summation: each output cell receives every input of its window with weight 1/count.</summary>
public sealed class AvgPoolOp : SynapticOp
{
    public AvgPoolOp(Shape input, Window2d window, bool countIncludePad, Shape output) : base(input, output)
    {
        RequirePooling("avgpool synapses", input, window, output);
        Window = window;
        CountIncludePad = countIncludePad;
    }

    public Window2d Window { get; }
    public bool CountIncludePad { get; }
    public override string Kind => "avgpool";
    public override double FanOut => (double)OutputShape.Size * Window.KernelH * Window.KernelW / InputShape.Size;
}
