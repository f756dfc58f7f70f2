using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>The loop's recipe options: label smoothing in its loss, and the warm-up + cosine schedule set step by step.</summary>
[TestClass]
public sealed class TrainingRecipeTests
{
    [TestMethod]
    public void Label_smoothing_gives_the_hand_computed_loss_and_evaluation_stays_plain_cross_entropy()
    {
        double[][] logits = [[1, 2, 3], [0.5, -1, 2]];
        long[] labels = [2, 0];
        const double Epsilon = 0.1;
        double expected = 0;
        for (int row = 0; row < 2; row++)
        {
            double logSum = Math.Log(logits[row].Sum(Math.Exp));
            double[] negativeLogP = logits[row].Select(z => logSum - z).ToArray();
            // The target puts 1 − ε on the label and ε/K on every class.
            expected += ((1 - Epsilon) * negativeLogP[labels[row]] + Epsilon * negativeLogP.Average()) / 2;
        }
        using var data = Digits(8, [3]);
        using var model = nn.Linear(3, 10);
        using var trainer = new FixedArchitectureTrainer(model, new Architecture([]),
            new FixedArchitectureTrainerOptions { TrainData = data, Device = "cpu", LabelSmoothing = Epsilon });
        using var plainTrainer = new FixedArchitectureTrainer(model, new Architecture([]), new FixedArchitectureTrainerOptions { TrainData = data, Device = "cpu" });
        using var scope = NewDisposeScope();
        var logitTensor = tensor(logits.SelectMany(r => r).ToArray(), [2, 3], ScalarType.Float32);
        var labelTensor = tensor(labels);

        Assert.AreEqual(expected, trainer.Loop.Context.Loss(logitTensor, labelTensor).ToDouble(), 1e-6);
        double plain = plainTrainer.Loop.Context.Loss(logitTensor, labelTensor).ToDouble();
        Assert.AreNotEqual(expected, plain, 1e-3);
        Assert.AreEqual(plainTrainer.Evaluate(data).Loss, trainer.Evaluate(data).Loss, "evaluation reports the unsmoothed loss");
    }

    [TestMethod]
    public void Warmup_then_cosine_gives_the_hand_computed_rate_at_chosen_steps()
    {
        var options = new FixedArchitectureTrainerOptions { LearningRate = 0.1, MinLearningRate = 0.01, Epochs = 4, WarmupEpochs = 1.5 };
        const int Steps = 4;
        double Cosine(double done) => 0.01 + 0.09 * (1 + Math.Cos(Math.PI * done / 2.5)) / 2;

        // Warm-up counts the step itself: step 0 of epoch 0 has done a quarter epoch of the 1.5.
        Assert.AreEqual(0.1 * 0.25 / 1.5, LearningRateSchedule.At(options, options.Epochs, 0, 0, Steps), 1e-12);
        Assert.AreEqual(0.1 * 1.0 / 1.5, LearningRateSchedule.At(options, options.Epochs, 0, 3, Steps), 1e-12);
        Assert.AreEqual(0.1, LearningRateSchedule.At(options, options.Epochs, 1, 1, Steps), 1e-12, "the last warm-up step reaches the full rate");
        Assert.AreEqual(0.1, LearningRateSchedule.At(options, options.Epochs, 1, 2, Steps), 1e-12, "the cosine starts at the full rate");
        Assert.AreEqual(0.055, LearningRateSchedule.At(options, options.Epochs, 2, 3, Steps), 1e-12, "half way through the cosine");
        Assert.AreEqual(Cosine(2.25), LearningRateSchedule.At(options, options.Epochs, 3, 3, Steps), 1e-12);

        // Without warm-up every step of an epoch keeps the epoch's rate, exactly as the per-epoch schedule had it.
        options.WarmupEpochs = 0;
        for (int epoch = 0; epoch < 4; epoch++)
        {
            double perEpoch = options.MinLearningRate + (options.LearningRate - options.MinLearningRate) * (1 + Math.Cos(Math.PI * epoch / options.Epochs)) / 2;
            Assert.AreEqual(perEpoch, LearningRateSchedule.At(options, options.Epochs, epoch, 0, Steps));
            Assert.AreEqual(perEpoch, LearningRateSchedule.At(options, options.Epochs, epoch, 3, Steps));
        }
    }

    [TestMethod]
    public void The_loop_sets_the_rate_before_every_step()
    {
        using var data = Digits(96, [784]);
        random.manual_seed(1);
        using var model = nn.Linear(784, 10);
        var rates = new List<double>();
        var options = new FixedArchitectureTrainerOptions
        {
            TrainData = data, Epochs = 2, BatchSize = 32, LearningRate = 0.1, WarmupEpochs = 0.5, Device = "cpu",
            WeightOptimizer = Microsoft.ML.Nas.Strategies.Optimizers.WeightOptimizerKind.AdamW,
        };
        using var trainer = new FixedArchitectureTrainer(model, new Architecture([]), options);
        var history = trainer.Train();

        // Three steps an epoch: the last step of each epoch is where the history reads the rate.
        Assert.AreEqual(trainer.Loop.LearningRateAt(0, 2, 3), history[0].LearningRate, 1e-12);
        Assert.AreEqual(trainer.Loop.LearningRateAt(1, 2, 3), history[1].LearningRate, 1e-12);
        Assert.AreEqual(0.1 * (1.0 / 3) / 0.5, trainer.Loop.LearningRateAt(0, 0, 3), 1e-12, "the first step warms up");
        Assert.IsInstanceOfType<Microsoft.ML.Nas.Strategies.Optimizers.AdamWithDecoupledDecay>(trainer.Loop.Context.WeightOptimizer);
    }

    private static TensorDataset Digits(int count, long[] shape)
    {
        TorchRuntime.EnsureAvailable();
        var digits = MnistDigits.Load();
        var indices = digits.TrainIndices[..count];
        long size = shape.Aggregate(1L, (a, b) => a * b);
        var features = digits.GetFeatures(indices);
        // Small shapes take pixels from the middle of each image, where the digits are.
        int offset = size == MnistDigits.PixelsPerImage ? 0 : MnistDigits.PixelsPerImage / 2;
        var trimmed = Enumerable.Range(0, count).SelectMany(i => features.Skip(i * MnistDigits.PixelsPerImage + offset).Take((int)size)).ToArray();
        return TensorDataset.FromArrays(trimmed, shape, digits.GetLabels(indices), DeviceSelection.Resolve("cpu"), 10);
    }
}
