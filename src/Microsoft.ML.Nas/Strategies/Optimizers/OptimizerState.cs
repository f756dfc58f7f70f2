using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies.Optimizers;

/// <summary>Reads and writes the per-parameter buffers of this folder's optimizers (shape-checked, device-aware).</summary>
internal static class OptimizerState
{
    public static void Write(BinaryWriter writer, string kind, IReadOnlyList<Tensor?[]> slots, long step)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(kind);
        writer.Write(step);
        writer.Write(slots.Count);
        foreach (var slot in slots)
        {
            writer.Write(slot.Length);
            foreach (var buffer in slot)
            {
                writer.Write(buffer is not null);
                if (buffer is null)
                {
                    continue;
                }
                using var scope = NewDisposeScope();
                var cpu = buffer.detach().cpu().to(ScalarType.Float64).contiguous();
                writer.Write(buffer.dtype.ToString());
                writer.Write(buffer.shape.Length);
                foreach (long dimension in buffer.shape)
                {
                    writer.Write(dimension);
                }
                foreach (double value in cpu.data<double>())
                {
                    writer.Write(value);
                }
            }
        }
    }

    public static long Read(BinaryReader reader, string kind, IReadOnlyList<Tensor?[]> slots, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string savedKind = reader.ReadString();
        if (savedKind != kind)
        {
            throw new InvalidDataException($"The checkpoint holds the state of a {savedKind} optimizer, not of a {kind}.");
        }
        long step = reader.ReadInt64();
        int slotCount = reader.ReadInt32();
        if (slotCount != slots.Count)
        {
            throw new InvalidDataException($"The {kind} state in the checkpoint has {slotCount} buffer kinds; expected {slots.Count}.");
        }
        foreach (var slot in slots)
        {
            int count = reader.ReadInt32();
            if (count != parameters.Count)
            {
                throw new InvalidDataException($"The {kind} state in the checkpoint covers {count} parameters, but the optimizer has {parameters.Count}.");
            }
            for (int i = 0; i < count; i++)
            {
                slot[i]?.Dispose();
                slot[i] = null;
                if (!reader.ReadBoolean())
                {
                    continue;
                }
                var dtype = Enum.Parse<ScalarType>(reader.ReadString());
                var shape = new long[reader.ReadInt32()];
                for (int d = 0; d < shape.Length; d++)
                {
                    shape[d] = reader.ReadInt64();
                }
                if (!shape.SequenceEqual(parameters[i].shape))
                {
                    throw new InvalidDataException(
                        $"The {kind} buffer {i} in the checkpoint has shape [{string.Join(", ", shape)}], but its parameter has [{string.Join(", ", parameters[i].shape)}].");
                }
                long length = shape.Aggregate(1L, (a, b) => a * b);
                var values = new double[length];
                for (long v = 0; v < length; v++)
                {
                    values[v] = reader.ReadDouble();
                }
                using var scope = NewDisposeScope();
                slot[i] = tensor(values, shape).to(dtype).to(parameters[i].device).DetachFromDisposeScope();
            }
        }
        return step;
    }

    public static void Free(Tensor?[] slot)
    {
        for (int i = 0; i < slot.Length; i++)
        {
            slot[i]?.Dispose();
            slot[i] = null;
        }
    }
}
