using Microsoft.ML.Nas.Runtime;
using TorchSharp;

namespace Microsoft.ML.Nas.Tests.Runtime;

[TestClass]
public sealed class DeviceSelectionTests
{
    [TestMethod]
    public void Cpu_resolves_to_the_cpu()
    {
        Assert.AreEqual(DeviceType.CPU, DeviceSelection.Resolve("cpu").type);
        Assert.AreEqual(DeviceType.CPU, DeviceSelection.Resolve(" CPU ").type);
    }

    [TestMethod]
    public void Auto_picks_cuda_exactly_when_torch_sees_it()
    {
        var expected = torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU;
        Assert.AreEqual(expected, DeviceSelection.Resolve("auto").type);
        Assert.AreEqual(expected, DeviceSelection.Resolve(null).type);
    }

    [TestMethod]
    public void Cuda_without_a_gpu_says_which_package_and_option_to_use()
    {
        if (torch.cuda.is_available())
        {
            var device = DeviceSelection.Resolve("cuda:0");
            Assert.AreEqual(DeviceType.CUDA, device.type);
            Assert.AreEqual(0, device.index);
            return;
        }
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => DeviceSelection.Resolve("cuda"));
        StringAssert.Contains(error.Message, "'cuda'");
        StringAssert.Contains(error.Message, "TorchSharp-cuda-linux");
    }

    [TestMethod]
    [DataRow("gpu")]
    [DataRow("cuda:x")]
    [DataRow("cuda:-1")]
    public void Unknown_device_names_the_accepted_forms(string option)
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => DeviceSelection.Resolve(option));
        StringAssert.Contains(error.Message, $"'{option}'");
        StringAssert.Contains(error.Message, "cuda:N");
    }
}
