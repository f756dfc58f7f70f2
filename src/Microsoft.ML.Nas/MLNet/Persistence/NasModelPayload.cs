using System.Text;
using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.MLNet.Fitting;
using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Persistence;

/// <summary>
/// Everything a NAS model is made of, in the form that is saved: the spec and architecture (which rebuild the network
/// without the user's code), the columns, the sample shape, the label's key values, the history and the weights, with
/// a SHA-256 checksum of each part (<see cref="NasModelChecksums"/>).
/// </summary>
internal sealed class NasModelPayload
{
    // Guards the header against files that merely carry our loader signature; one tag per format.
    private const string HeaderTagWithoutChecksums = "Microsoft.ML.Nas/1";
    private const string HeaderTag = "Microsoft.ML.Nas/2";
    private const int SpecPart = 0, ArchitecturePart = 1, MetadataPart = 2, WeightsPart = 3;

    private NasModelChecksums? checksums;

    public required SearchSpaceSpec Spec { get; init; }

    public required Architecture Architecture { get; init; }

    public required SpaceContext Context { get; init; }

    public required NasColumns Columns { get; init; }

    public LabelKeyValues? LabelValues { get; init; }

    public required NasSearchHistory History { get; init; }

    /// <summary>The fixed network; null only between <see cref="ReadHeader"/> and <see cref="ReadWeights"/>.</summary>
    public nn.Module<Tensor, Tensor>? Model { get; set; }

    /// <summary>The network's weights as they are saved.</summary>
    public byte[] SerializeWeights()
    {
        var model = Model ?? throw new InvalidOperationException("The NAS model has no network to save.");
        // TorchSharp closes the stream it saves to; ML.NET's entry stream must stay open, so the weights go through memory.
        using var buffer = new MemoryStream();
        model.save(buffer);
        return buffer.ToArray();
    }

    /// <summary>Writes the header: spec, architecture, metadata, and the checksums of those and of <paramref name="weights"/>.</summary>
    public void WriteHeader(BinaryWriter writer, byte[] weights)
    {
        string spec = Spec.ToJson(), architecture = Architecture.ToJson();
        var metadata = WriteMetadata();
        writer.Write(HeaderTag);
        writer.Write(spec);
        writer.Write(architecture);
        writer.Write(metadata.Length);
        writer.Write(metadata);
        NasModelChecksums.Of(Encoding.UTF8.GetBytes(spec), Encoding.UTF8.GetBytes(architecture), metadata, weights).Write(writer);
    }

    public static void WriteWeights(Stream stream, byte[] weights)
    {
        stream.Write(BitConverter.GetBytes(weights.LongLength));
        stream.Write(weights);
    }

    /// <summary>Reads a header of format 0x00010002 (with checksums) or, when <paramref name="withChecksums"/> is false, 0x00010001.</summary>
    /// <exception cref="InvalidDataException">The header is not a NAS model header, is damaged, or fails its checksums.</exception>
    public static NasModelPayload ReadHeader(BinaryReader reader, bool withChecksums)
    {
        try
        {
            string expected = withChecksums ? HeaderTag : HeaderTagWithoutChecksums;
            string tag = reader.ReadString();
            if (tag != expected)
            {
                throw new InvalidDataException($"The saved NAS model starts with '{tag}'; expected '{expected}'.");
            }
            string spec = reader.ReadString();
            string architecture = reader.ReadString();
            if (!withChecksums)
            {
                return Parse(spec, architecture, reader, checksums: null);
            }
            var metadata = reader.ReadBytes(reader.ReadInt32());
            var checksums = NasModelChecksums.Read(reader);
            checksums.Verify(SpecPart, Encoding.UTF8.GetBytes(spec));
            checksums.Verify(ArchitecturePart, Encoding.UTF8.GetBytes(architecture));
            checksums.Verify(MetadataPart, metadata);
            using var metadataReader = new BinaryReader(new MemoryStream(metadata, writable: false));
            return Parse(spec, architecture, metadataReader, checksums);
        }
        catch (Exception error) when (error is EndOfStreamException or FormatException or ArchitectureException or ArgumentException)
        {
            throw new InvalidDataException($"The saved NAS model is damaged: {error.Message}", error);
        }
    }

    /// <summary>Reads the weights (checking their checksum when the file has one), then rebuilds the network and loads them.</summary>
    /// <exception cref="KeyNotFoundException">The spec's kind is a custom space that is not registered; the message names it.</exception>
    /// <exception cref="InvalidDataException">The weights are damaged or do not fit the network.</exception>
    public void ReadWeights(Stream stream)
    {
        var bytes = ReadWeightBytes(stream);
        checksums?.Verify(WeightsPart, bytes);
        var model = FixedArchitecture.Build(Spec, Context, Architecture);
        try
        {
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

    private byte[] WriteMetadata()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
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
        return buffer.ToArray();
    }

    private static NasModelPayload Parse(string spec, string architecture, BinaryReader metadata, NasModelChecksums? checksums)
    {
        int rank = metadata.ReadInt32();
        if (rank is < 1 or > 8)
        {
            throw new InvalidDataException($"The saved NAS model has a sample shape of rank {rank}.");
        }
        var shape = Enumerable.Range(0, rank).Select(_ => metadata.ReadInt64()).ToArray();
        int classCount = metadata.ReadInt32();
        var columns = NasColumns.Read(metadata);
        var labelValues = metadata.ReadBoolean() ? LabelKeyValues.Read(metadata) : null;
        var history = NasSearchHistory.FromJson(metadata.ReadString());
        return new NasModelPayload
        {
            Spec = SearchSpaceSpec.FromJson(spec), Architecture = Architecture.FromJson(architecture), Context = new SpaceContext(shape, classCount),
            Columns = columns, LabelValues = labelValues, History = history, checksums = checksums,
        };
    }

    private static byte[] ReadWeightBytes(Stream stream)
    {
        try
        {
            var reader = new BinaryReader(stream);
            long length = reader.ReadInt64();
            if (length <= 0 || length > int.MaxValue)
            {
                throw new InvalidDataException($"the weights entry announces {length} bytes");
            }
            var bytes = reader.ReadBytes((int)length);
            return bytes.Length == length ? bytes : throw new InvalidDataException($"the weights entry holds {bytes.Length} of its {length} bytes");
        }
        catch (Exception error) when (error is EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"The weights of the saved NAS model could not be read: {error.Message}", error);
        }
    }
}
