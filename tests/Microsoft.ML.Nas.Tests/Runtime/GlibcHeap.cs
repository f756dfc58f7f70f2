using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.Tests.Runtime;

/// <summary>
/// For tests that measure glibc's own heap (mallinfo2, malloc_trim): under another allocator (jemalloc or tcmalloc
/// preloaded, as CI's second run does) or off Linux there is nothing of it to measure, and such a test ends
/// inconclusive with the reason instead of passing without having checked anything.
/// </summary>
internal static class GlibcHeap
{
    public static void Require()
    {
        if (!NativeHeap.IsSupported)
        {
            Assert.Inconclusive(OperatingSystem.IsLinux()
                ? "glibc's malloc is not the allocator here (jemalloc or tcmalloc is loaded): this test measures glibc's heap."
                : "not Linux: this test measures glibc's heap.");
        }
    }
}
