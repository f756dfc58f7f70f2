using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>Damages a saved model's zip entries the way a disk or a careless copy would, for the loading tests.</summary>
internal static class ModelZip
{
    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="path"/> with the bytes of the entry ending in
    /// <paramref name="entrySuffix"/> (and containing <paramref name="onlyIfContains"/>, when given) changed.
    /// </summary>
    public static string Rewrite(string source, string path, string entrySuffix, Func<byte[], byte[]> change, string? onlyIfContains = null)
    {
        File.Copy(source, path, overwrite: true);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(entrySuffix, StringComparison.Ordinal)
            && (onlyIfContains is null || Read(e).AsSpan().IndexOf(Encoding.UTF8.GetBytes(onlyIfContains)) >= 0));
        var bytes = change(Read(entry));
        string fullName = entry.FullName;
        entry.Delete();
        using var stream = zip.CreateEntry(fullName).Open();
        stream.Write(bytes);
        return path;
    }

    /// <summary>A copy of <paramref name="bytes"/> with the first <paramref name="from"/> replaced by <paramref name="to"/> (same length).</summary>
    public static byte[] Replace(byte[] bytes, string from, string to)
    {
        var source = Encoding.UTF8.GetBytes(from);
        var target = Encoding.UTF8.GetBytes(to);
        int at = bytes.AsSpan().IndexOf(source);
        Assert.IsTrue(at >= 0 && source.Length == target.Length, $"'{from}' is in the entry and as long as '{to}'");
        var copy = (byte[])bytes.Clone();
        target.CopyTo(copy, at);
        return copy;
    }

    /// <summary>A copy of <paramref name="bytes"/> with one bit of the byte at <paramref name="offset"/> flipped.</summary>
    public static byte[] FlipBit(byte[] bytes, int offset)
    {
        var copy = (byte[])bytes.Clone();
        copy[offset] ^= 0x10;
        return copy;
    }

    public static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    public static string Describe(Exception error) => string.Join(" <- ", Chain(error).Select(e => $"{e.GetType().Name}: {e.Message}"));

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
