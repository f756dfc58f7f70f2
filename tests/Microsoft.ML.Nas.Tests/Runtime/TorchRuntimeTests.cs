using Microsoft.ML.Nas.Runtime;
using TorchSharp;

namespace Microsoft.ML.Nas.Tests.Runtime;

[TestClass]
public sealed class TorchRuntimeTests
{
    [TestMethod]
    public void Native_backend_loads_on_this_machine()
    {
        TorchRuntime.EnsureAvailable();
        using var sum = torch.ones(3, 4).sum();
        Assert.AreEqual(12f, sum.item<float>());
    }

    [TestMethod]
    public void Thread_count_is_set_from_the_option_and_defaults_to_the_usable_processors()
    {
        try
        {
            Assert.AreEqual(1, TorchRuntime.ConfigureThreads(1));
            Assert.AreEqual(1, torch.get_num_threads());
            int defaultCount = TorchRuntime.ConfigureThreads();
            Assert.AreEqual(Math.Clamp(Environment.ProcessorCount, 1, 8), defaultCount);
            Assert.AreEqual(defaultCount, torch.get_num_threads());
        }
        finally
        {
            TorchRuntime.ConfigureThreads();
        }
    }

    [TestMethod]
    public void Manual_seed_repeats_draws_on_every_device_torch_sees()
    {
        // TorchSharp's own torch.random.manual_seed seeds the CPU's generator only; on a GPU build this fails without the GPUs'.
        var devices = torch.cuda.is_available() ? new[] { torch.CPU, torch.CUDA } : new[] { torch.CPU };
        foreach (var device in devices)
        {
            TorchRuntime.ManualSeed(17);
            using var first = torch.rand(32, device: device);
            TorchRuntime.ManualSeed(17);
            using var second = torch.rand(32, device: device);
            using var third = torch.rand(32, device: device);
            Assert.IsTrue(first.allclose(second, rtol: 0, atol: 0), $"the same seed gave different draws on {device}");
            Assert.IsFalse(first.allclose(third, rtol: 0, atol: 0), $"the generator on {device} did not move on");
        }
    }

    [TestMethod]
    public void Tensor_sized_blocks_come_from_the_heap_rather_than_fresh_memory_maps()
    {
        GlibcHeap.Require();
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is not null)
        {
            Assert.Inconclusive("this process's malloc thresholds were set from the environment, which the library leaves alone.");
        }
        TorchRuntime.EnsureAvailable();
        long mappedBefore = NativeHeap.Usage()!.Value.Mapped;
        // 16 MiB: above glibc's initial 128 KiB mmap threshold, below the 32 MiB the library sets.
        using var activation = torch.empty(4L << 20);
        long mappedAfter = NativeHeap.Usage()!.Value.Mapped;
        Assert.IsLessThan(4L << 20, mappedAfter - mappedBefore, "a 16 MiB tensor was served by a fresh memory map, whose pages fault in on every use");
    }

    [TestMethod]
    public void Non_positive_thread_count_is_rejected()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TorchRuntime.ConfigureThreads(0));
        Assert.AreEqual("threads", error.ParamName);
    }

    [TestMethod]
    public void Old_libstdcxx_is_reported_with_the_missing_symbol_and_the_fix()
    {
        string fake = Path.GetTempFileName();
        try
        {
            // The version strings of Debian 12's libstdc++ (GCC 12), as they stand in its .dynstr section.
            File.WriteAllText(fake, "\0GLIBCXX_3.4\0GLIBCXX_3.4.29\0GLIBCXX_3.4.30\0CXXABI_1.3.13\0", System.Text.Encoding.Latin1);
            string? missing = NativeRuntimeDiagnosis.DescribeMissingSymbol(fake);

            Assert.IsNotNull(missing);
            StringAssert.Contains(missing, "GLIBCXX_3.4.32");
            StringAssert.Contains(missing, "only up to GLIBCXX_3.4.30");
            StringAssert.Contains(missing, fake);
        }
        finally
        {
            File.Delete(fake);
        }
    }

    [TestMethod]
    public void Current_libstdcxx_is_not_reported()
    {
        string fake = Path.GetTempFileName();
        try
        {
            File.WriteAllText(fake, "\0GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0GLIBCXX_3.4.33\0", System.Text.Encoding.Latin1);
            Assert.IsNull(NativeRuntimeDiagnosis.DescribeMissingSymbol(fake));
        }
        finally
        {
            File.Delete(fake);
        }
    }

    [TestMethod]
    public void A_load_failure_with_a_current_runtime_names_the_backend_packages()
    {
        var explained = NativeRuntimeDiagnosis.Explain(new TypeInitializationException("TorchSharp.torch", new NotSupportedException("no libtorch")));

        Assert.IsInstanceOfType<InvalidOperationException>(explained);
        StringAssert.Contains(explained.Message, "TorchSharp-cpu");
        StringAssert.Contains(explained.Message, "no libtorch");
    }
}
