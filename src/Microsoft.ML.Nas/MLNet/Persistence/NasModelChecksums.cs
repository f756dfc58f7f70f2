using System.Security.Cryptography;

namespace Microsoft.ML.Nas.MLNet.Persistence;

/// <summary>
/// The SHA-256 of each part of a saved NAS model (spec, architecture, metadata, weights), saved with it from format
/// 0x00010002 on: a zip's CRC only guards against a damaged entry, not against bytes changed in place and written back
/// (a flipped weight still loads and scores garbage), so loading checks each part against its checksum.
/// </summary>
internal sealed class NasModelChecksums
{
    /// <summary>The parts, in the order their checksums are saved; the names are what an error shows.</summary>
    public static readonly string[] Parts = ["search-space spec", "architecture", "metadata (sample shape, columns, label values, history)", "weights"];

    private readonly byte[][] hashes;

    private NasModelChecksums(byte[][] hashes) => this.hashes = hashes;

    /// <summary>The checksums of the parts' bytes, in <see cref="Parts"/> order.</summary>
    public static NasModelChecksums Of(params byte[][] parts) => new([.. parts.Select(SHA256.HashData)]);

    public static NasModelChecksums Read(BinaryReader reader) =>
        new([.. Parts.Select(_ => reader.ReadBytes(SHA256.HashSizeInBytes))]);

    public void Write(BinaryWriter writer)
    {
        foreach (var hash in hashes)
        {
            writer.Write(hash);
        }
    }

    /// <summary>Throws unless <paramref name="bytes"/> are the bytes part <paramref name="part"/> was saved with.</summary>
    /// <exception cref="InvalidDataException">They are not: the message names the part.</exception>
    public void Verify(int part, ReadOnlySpan<byte> bytes)
    {
        if (!SHA256.HashData(bytes).AsSpan().SequenceEqual(hashes[part]))
        {
            throw new InvalidDataException(
                $"The saved NAS model is damaged: the SHA-256 of its {Parts[part]} differs from the one saved with it, so bytes of the " +
                "file changed after it was written. Load a good copy, or save the model again.");
        }
    }
}
