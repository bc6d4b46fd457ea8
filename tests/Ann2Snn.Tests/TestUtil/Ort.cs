using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>ONNX Runtime as the oracle: runs a single-input, single-output float model.</summary>
public static class Ort
{
    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="input"/> of full shape <paramref name="inputDims"/> (batch first).
    /// </summary>
    public static (float[] Data, int[] Dims) Run(byte[] model, float[] input, params int[] inputDims)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        string inputName = session.InputMetadata.Keys.Single();
        var tensor = new DenseTensor<float>(input, inputDims);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
        Tensor<float> output = results.Single().AsTensor<float>();
        return (output.ToArray(), output.Dimensions.ToArray());
    }

    /// <summary>Whether ONNX Runtime accepts the model (creates a session); the error text otherwise.</summary>
    public static string? LoadError(byte[] model)
    {
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            using var session = new InferenceSession(model, options);
            return null;
        }
        catch (OnnxRuntimeException ex)
        {
            return ex.Message;
        }
    }
}

/// <summary>Reproducible test data.</summary>
public static class TestData
{
    /// <summary><paramref name="count"/> values uniform in [-scale, scale) from a fixed seed.</summary>
    public static float[] Uniform(int seed, int count, float scale = 1f)
    {
        var rng = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return data;
    }
}
