using System.Buffers.Binary;

namespace Microsoft.ML.Nas.Datasets;

/// <summary>Reads an unsigned-byte IDX file (the format of the original MNIST distribution).</summary>
internal sealed class IdxFile
{
    private const byte UnsignedByteType = 0x08;

    private IdxFile(int[] dimensions, byte[] data)
    {
        Dimensions = dimensions;
        Data = data;
    }

    public int[] Dimensions { get; }

    public byte[] Data { get; }

    /// <summary>Reads the whole stream and disposes it; the header must declare unsigned bytes and the expected rank.</summary>
    public static IdxFile Read(Stream stream, int expectedDimensions)
    {
        using (stream)
        {
            Span<byte> word = stackalloc byte[4];
            stream.ReadExactly(word);
            if (word[0] != 0 || word[1] != 0 || word[2] != UnsignedByteType || word[3] != expectedDimensions)
            {
                throw new InvalidDataException(
                    $"IDX header 0x{BinaryPrimitives.ReadUInt32BigEndian(word):X8} does not declare {expectedDimensions}-dimensional unsigned bytes.");
            }
            var dimensions = new int[expectedDimensions];
            long length = 1;
            for (int d = 0; d < expectedDimensions; d++)
            {
                stream.ReadExactly(word);
                dimensions[d] = checked((int)BinaryPrimitives.ReadUInt32BigEndian(word));
                length *= dimensions[d];
            }
            var data = new byte[checked((int)length)];
            stream.ReadExactly(data);
            if (stream.ReadByte() != -1)
            {
                throw new InvalidDataException($"IDX data is longer than its header's {length} bytes.");
            }
            return new IdxFile(dimensions, data);
        }
    }
}
