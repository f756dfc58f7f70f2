using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.FinalTraining;

/// <summary>The moving average of the weights: its arithmetic, its place in checkpoints, and that it is what training returns.</summary>
[TestClass]
public sealed class WeightAverageTests
{
    [TestMethod]
    public void Three_updates_give_the_hand_computed_average_with_the_warmed_up_decay()
    {
        TorchRuntime.EnsureAvailable();
        double[][] weights = [[1, -2], [3, 0.5], [-1, 4], [2, 2]];
        using var parameter = new Parameter(tensor(weights[0], dtype: ScalarType.Float32));
        // The decay of update n is min(0.2, (1 + n) / (10 + n)): 0.1, 2/11, then the cap 0.2.
        using var average = new WeightAverage([parameter], decay: 0.2);

        for (int step = 1; step <= 3; step++)
        {
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                parameter.copy_(tensor(weights[step], dtype: ScalarType.Float32));
            }
            average.Update();
        }

        for (int i = 0; i < 2; i++)
        {
            double expected = weights[0][i];
            expected = 0.1 * expected + 0.9 * weights[1][i];
            expected = 2.0 / 11 * expected + 9.0 / 11 * weights[2][i];
            expected = 0.2 * expected + 0.8 * weights[3][i];
            Assert.AreEqual(expected, average.Average(0).data<float>()[i], 1e-6);
        }
        Assert.AreEqual(3, average.Updates);
        average.CopyToParameters();
        CollectionAssert.AreEqual(average.Average(0).data<float>().ToArray(), parameter.data<float>().ToArray());
    }

    [TestMethod]
    public void The_average_becomes_the_model_and_its_last_validation_and_a_checkpoint_resumes_it_bit_exactly()
    {
        using var data = Digits(160);
        string folder = Path.Combine(Path.GetTempPath(), $"average-resume-{Guid.NewGuid():N}");
        try
        {
            var (averaged, lastValidation, evaluated) = Run(data, decay: 0.8, folder: null, stopAfterFirstEpoch: false, resume: false);
            var (live, _, _) = Run(data, decay: 0, folder: null, stopAfterFirstEpoch: false, resume: false);
            Assert.ThrowsExactly<OperationCanceledException>(() => Run(data, decay: 0.8, folder, stopAfterFirstEpoch: true, resume: false));
            var (resumed, resumedValidation, _) = Run(data, decay: 0.8, folder, stopAfterFirstEpoch: false, resume: true);

            Assert.AreEqual(evaluated, lastValidation, "the last epoch's validation scores the averaged weights");
            Assert.IsTrue(averaged.Any(p => !p.Value.SequenceEqual(live[p.Key])), "the average differs from the trained weights");
            CollectionAssert.AreEqual(live["1.running_mean"], averaged["1.running_mean"], "batch-norm statistics come from the trained weights");
            foreach (var (name, values) in averaged)
            {
                CollectionAssert.AreEqual(values, resumed[name], $"{name} after resuming");
            }
            Assert.AreEqual(lastValidation, resumedValidation);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static (Dictionary<string, float[]> State, double LastValidation, double Evaluated) Run(TensorDataset data, double decay, string? folder,
        bool stopAfterFirstEpoch, bool resume)
    {
        // Another initialization when resuming: everything must come from the checkpoint.
        random.manual_seed(resume ? 99 : 7);
        using var model = nn.Sequential(("0", nn.Linear(784, 12)), ("1", nn.BatchNorm1d(12)), ("2", nn.ReLU()), ("3", nn.Linear(12, 10)));
        using var cancellation = new CancellationTokenSource();
        var options = new FixedArchitectureTrainerOptions
        {
            TrainData = data, ValidData = data, Epochs = 2, BatchSize = 32, LearningRate = 0.1, Device = "cpu", Seed = 3, Threads = 1,
            WeightAverageDecay = decay, CheckpointDirectory = folder, CancellationToken = cancellation.Token,
            Progress = stopAfterFirstEpoch ? new InlineProgress<OneShotProgress>(p => { if (p.Completed is not null) cancellation.Cancel(); }) : null,
        };
        using var trainer = new FixedArchitectureTrainer(model, new Architecture([]), options);
        if (resume)
        {
            trainer.Loop.Resume(folder!);
        }
        var history = trainer.Train();
        double evaluated = trainer.Evaluate(data).Loss;
        var state = model.state_dict().ToDictionary(p => p.Key, p => p.Value.to(ScalarType.Float32).data<float>().ToArray());
        return (state, history[^1].ValidLoss!.Value, evaluated);
    }

    private static TensorDataset Digits(int count)
    {
        TorchRuntime.EnsureAvailable();
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..count];
        return TensorDataset.FromArrays(digits.GetFeatures(indices), [784], digits.GetLabels(indices), DeviceSelection.Resolve("cpu"), 10);
    }
}
