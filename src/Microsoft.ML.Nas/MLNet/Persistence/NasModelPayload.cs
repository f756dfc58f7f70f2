using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.MLNet.Fitting;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Persistence;

/// <summary>
/// Everything a NAS model is made of, in the form that is saved: the spec and architecture (which rebuild the network
/// without the user's code), the columns, the sample shape, the label's key values, the history and the weights.
/// </summary>
internal sealed class NasModelPayload
{
    // Guards the header against files that merely carry our loader signature; bumped with VersionInfo on format changes.
    private const string HeaderTag = "Microsoft.ML.Nas/1";

    public required SearchSpaceSpec Spec { get; init; }

    public required Architecture Architecture { get; init; }

    public required SpaceContext Context { get; init; }

    public required NasColumns Columns { get; init; }

    public LabelKeyValues? LabelValues { get; init; }

    public required NasSearchHistory History { get; init; }

    /// <summary>The fixed network; null only between <see cref="ReadHeader"/> and <see cref="ReadWeights"/>.</summary>
    public nn.Module<Tensor, Tensor>? Model { get; set; }

    public void WriteHeader(BinaryWriter writer)
    {
        writer.Write(HeaderTag);
        writer.Write(Spec.ToJson());
        writer.Write(Architecture.ToJson());
        writer.Write(Context.SampleShape.Count);
        foreach (long dimension in Context.SampleShape)
        {
            writer.Write(dimension);
        }
        writer.Write(Context.ClassCount);
        Columns.Write(writer);
        writer.Write(LabelValues is not null);
        LabelValues?.Write(writer);
        writer.Write(History.ToJson());
    }

    public void WriteWeights(Stream stream)
    {
        var model = Model ?? throw new InvalidOperationException("The NAS model has no network to save.");
        // TorchSharp closes the stream it saves to; ML.NET's entry stream must stay open, so the weights go through memory.
        using var buffer = new MemoryStream();
        model.save(buffer);
        var bytes = buffer.ToArray();
        stream.Write(BitConverter.GetBytes(bytes.LongLength));
        stream.Write(bytes);
    }

    /// <exception cref="InvalidDataException">The header is not a NAS model header or is damaged.</exception>
    public static NasModelPayload ReadHeader(BinaryReader reader)
    {
        try
        {
            string tag = reader.ReadString();
            if (tag != HeaderTag)
            {
                throw new InvalidDataException($"The saved NAS model starts with '{tag}'; expected '{HeaderTag}'.");
            }
            var spec = SearchSpaceSpec.FromJson(reader.ReadString());
            var architecture = Architecture.FromJson(reader.ReadString());
            int rank = reader.ReadInt32();
            if (rank is < 1 or > 8)
            {
                throw new InvalidDataException($"The saved NAS model has a sample shape of rank {rank}.");
            }
            var shape = Enumerable.Range(0, rank).Select(_ => reader.ReadInt64()).ToArray();
            int classCount = reader.ReadInt32();
            var columns = NasColumns.Read(reader);
            var labelValues = reader.ReadBoolean() ? LabelKeyValues.Read(reader) : null;
            var history = NasSearchHistory.FromJson(reader.ReadString());
            return new NasModelPayload
            {
                Spec = spec, Architecture = architecture, Context = new SpaceContext(shape, classCount),
                Columns = columns, LabelValues = labelValues, History = history,
            };
        }
        catch (Exception error) when (error is EndOfStreamException or FormatException or ArchitectureException or ArgumentException)
        {
            throw new InvalidDataException($"The saved NAS model is damaged: {error.Message}", error);
        }
    }

    /// <summary>Rebuilds the network from the spec and architecture, then reads its weights.</summary>
    /// <exception cref="KeyNotFoundException">The spec's kind is a custom space that is not registered; the message names it.</exception>
    public void ReadWeights(Stream stream)
    {
        var model = FixedArchitecture.Build(Spec, Context, Architecture);
        try
        {
            var reader = new BinaryReader(stream);
            long length = reader.ReadInt64();
            if (length <= 0 || length > int.MaxValue)
            {
                throw new InvalidDataException($"the weights entry announces {length} bytes");
            }
            var bytes = reader.ReadBytes((int)length);
            if (bytes.Length != length)
            {
                throw new InvalidDataException($"the weights entry holds {bytes.Length} of its {length} bytes");
            }
            using var buffer = new MemoryStream(bytes, writable: false);
            model.load(buffer);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"The weights of the saved NAS model ({Spec.Kind}) could not be read: {error.Message}", error);
        }
        Model = model;
    }
}
