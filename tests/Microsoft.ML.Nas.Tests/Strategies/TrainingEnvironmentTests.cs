using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Tests.Strategies.Darts;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>A plain-TorchSharp trainer resolves its options' environment once; the loop and its strategy read that one.</summary>
[TestClass]
public sealed class TrainingEnvironmentTests
{
    [TestMethod]
    public void A_trainer_resolves_its_options_environment_once_and_its_strategy_reads_the_same()
    {
        int previous = get_num_threads();
        try
        {
            using var data = TensorDataset.FromArrays(new float[16 * 6], [6], [.. Enumerable.Range(0, 16).Select(i => (long)(i % 2))], CPU, 2);
            using var model = new EdgeNet(6, 4, 2);
            var lines = new List<string>();

            using var trainer = new DartsTrainer(model, new DartsTrainerOptions { TrainData = data, Device = "cpu", Threads = 1, Log = lines.Add });
            var environment = trainer.Loop.Environment;
            trainer.Loop.Context.Log("from the strategy");

            Assert.AreEqual(DeviceType.CPU, environment.Device.type);
            Assert.AreEqual(1, environment.Threads);
            Assert.AreEqual(1, get_num_threads(), "the threads were configured when the environment was resolved");
            Assert.AreEqual(0L, environment.Seed, "an unset seed is 0");
            Assert.AreSame(environment, trainer.Loop.Context.Environment);
            Assert.AreEqual("from the strategy", lines[^1], "the strategy logs through the environment's sink (after DARTS's own line on its halves)");
            StringAssert.StartsWith(lines[0], "DARTS: weights train on");
        }
        finally
        {
            TorchRuntime.ConfigureThreads(previous);
        }
    }
}
