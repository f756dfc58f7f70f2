using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Enas;

/// <summary>Writes and reads the controller's weights in a checkpoint, by name, as doubles (exact for float32 weights).</summary>
internal static class ControllerState
{
    public static void Write(BinaryWriter writer, EnasController controller)
    {
        var parameters = controller.named_parameters().ToList();
        writer.Write(parameters.Count);
        foreach (var (name, parameter) in parameters)
        {
            using var scope = NewDisposeScope();
            var values = parameter.detach().cpu().to(ScalarType.Float64).data<double>().ToArray();
            writer.Write(name);
            writer.Write(values.Length);
            foreach (double value in values)
            {
                writer.Write(value);
            }
        }
    }

    public static void Read(BinaryReader reader, EnasController controller)
    {
        var parameters = controller.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        int count = reader.ReadInt32();
        if (count != parameters.Count)
        {
            throw new InvalidDataException($"The checkpoint's controller has {count} weight tensors; this one has {parameters.Count}.");
        }
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            int length = reader.ReadInt32();
            if (!parameters.TryGetValue(name, out var parameter) || parameter.numel() != length)
            {
                throw new InvalidDataException(
                    $"The checkpoint's controller weight '{name}' ({length} values) does not fit this controller; its weights are: " +
                    string.Join(", ", parameters.Select(p => $"{p.Key} ({p.Value.numel()})")) + ".");
            }
            var values = new double[length];
            for (int j = 0; j < length; j++)
            {
                values[j] = reader.ReadDouble();
            }
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            parameter.copy_(tensor(values).to(parameter.dtype).to(parameter.device).view(parameter.shape));
        }
    }
}
