using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.Enas;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Tests.Strategies.Enas;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>A loss, gradient or reward that turns NaN stops the run at its step, naming it, and leaves no NaN weights behind.</summary>
[TestClass]
public sealed class NonFiniteTrainingTests
{
    private static readonly SpaceContext Flat = new([MnistDigits.PixelsPerImage], MnistDigits.ClassCount);
    private static readonly SearchSpaceSpec Space = SearchSpaces.Mlp(layers: 1, hidden: 16, widths: [8, 16], activations: ["relu"]);

    // Cross-entropy that turns NaN from its n-th call on: what a diverging run or a bad batch gives, at a chosen step.
    private static Func<Tensor, Tensor, Tensor> NaNFrom(int call)
    {
        int calls = 0;
        return (logits, labels) =>
        {
            var loss = nn.functional.cross_entropy(logits, labels);
            return ++calls >= call ? loss * double.NaN : loss;
        };
    }

    private static bool AllFinite(IEnumerable<TorchSharp.Modules.Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        return parameters.All(p => isfinite(p).all().item<bool>());
    }

    [TestMethod]
    public void A_NaN_gradient_stops_training_before_the_step_naming_the_place_and_keeps_the_checkpoints()
    {
        using var threads = new SingleThread();
        using var data = SortedDigits.Train(200, sortedByLabel: false);
        var architecture = Architecture.FromJson("""{"layer0": "relu_8"}""");
        random.manual_seed(1);
        using var model = FixedArchitecture.Build(Space, Flat, architecture);
        string checkpoints = Directory.CreateTempSubdirectory("nas-nonfinite").FullName;
        using var trainer = new FixedArchitectureTrainer(model, architecture, new FixedArchitectureTrainerOptions
        {
            TrainData = data, Epochs = 2, BatchSize = 32, Device = "cpu", Seed = 1, LogFrequency = 0, CheckpointDirectory = checkpoints,
            Loss = NaNFrom(10),   // 7 steps per epoch: the 10th is step 3 of epoch 2
        });

        var error = Assert.ThrowsExactly<NonFiniteTrainingException>(() => trainer.Train());

        Assert.AreEqual("weight gradient norm", error.Quantity);
        Assert.AreEqual(("train", 1, 2), (error.Phase, error.Epoch, error.Step));
        StringAssert.Contains(error.Message, "epoch 2/2, step 3/7");
        Assert.IsTrue(AllFinite(model.parameters()), "the step with NaN gradients was not taken");
        Assert.AreEqual(Path.Combine(checkpoints, "non-finite"), error.CheckpointDirectory);
        Assert.IsTrue(File.Exists(Path.Combine(checkpoints, "non-finite", "state.bin")), "the state at the failure is written");
        StringAssert.Contains(File.ReadAllText(Path.Combine(checkpoints, "history.json")), "\"Epoch\": 0", "the last finished epoch's checkpoint is kept");
    }

    [TestMethod]
    public void Without_clipping_a_NaN_loss_still_stops_the_run()
    {
        using var threads = new SingleThread();
        using var data = SortedDigits.Train(64, sortedByLabel: false);
        var architecture = Architecture.FromJson("""{"layer0": "relu_16"}""");
        random.manual_seed(1);
        using var model = FixedArchitecture.Build(Space, Flat, architecture);
        using var trainer = new FixedArchitectureTrainer(model, architecture, new FixedArchitectureTrainerOptions
        {
            TrainData = data, Epochs = 1, BatchSize = 32, Device = "cpu", Seed = 1, LogFrequency = 0, GradientClip = 0, Loss = NaNFrom(2),
        });

        var error = Assert.ThrowsExactly<NonFiniteTrainingException>(() => trainer.Train());

        Assert.AreEqual(("loss", "train", 0, 1), (error.Quantity, error.Phase, error.Epoch, error.Step));
    }

    [TestMethod]
    public void A_NaN_architecture_loss_stops_darts_before_the_alphas_change()
    {
        using var threads = new SingleThread();
        using var data = SortedDigits.Train(128, sortedByLabel: false);
        using var supernet = SearchSpaceRegistry.Build(Space, Flat);
        using var trainer = new DartsTrainer(supernet, new DartsTrainerOptions
        {
            TrainData = data, Epochs = 1, BatchSize = 32, Device = "cpu", Seed = 1, LogFrequency = 0, Loss = NaNFrom(1),
        });

        var error = Assert.ThrowsExactly<NonFiniteTrainingException>(() => trainer.Train());

        Assert.AreEqual(("architecture loss", "search", 0, 0), (error.Quantity, error.Phase, error.Epoch, error.Step));
        Assert.IsTrue(AllFinite(trainer.Mutator.ArchitectureParameters), "no alpha took the NaN");
    }

    [TestMethod]
    public void A_NaN_reward_stops_the_enas_controller_phase()
    {
        using var threads = new SingleThread();
        using var data = SortedDigits.Train(200, sortedByLabel: false);
        using var supernet = SearchSpaceRegistry.Build(Space, Flat);
        using var trainer = new EnasTrainer(supernet, new EnasTrainerOptions
        {
            TrainData = data, Epochs = 1, BatchSize = 32, ChildSteps = 2, ControllerSteps = 1, ControllerAggregate = 1,
            Device = "cpu", Seed = 1, LogFrequency = 0, Reward = (_, _) => double.NaN,
        });

        var error = Assert.ThrowsExactly<NonFiniteTrainingException>(() => trainer.Train());

        Assert.AreEqual(("reward", "controller", 0, 0), (error.Quantity, error.Phase, error.Epoch, error.Step));
        Assert.IsTrue(AllFinite(trainer.Mutator.Controller.parameters()), "the controller took no step");
    }
}
