using Microsoft.ML.Nas.Data;
using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.Darts;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.DeviceCheck;

/// <summary>
/// Training seeds libtorch's generators when a trainer is made (<c>OneShotTrainerOptions.Seed</c>). TorchSharp's
/// <c>torch.random.manual_seed</c> seeds the CPU's only, so the library seeds the GPUs' as well: after making a trainer
/// with the same seed twice, a draw on the trainer's device must repeat (it would not on a GPU whose generator was left
/// to run on).
/// </summary>
internal static class SeedProbe
{
    public static void Run(string device)
    {
        float[] first = DrawAfterTrainer(device), second = DrawAfterTrainer(device);
        if (!first.SequenceEqual(second))
        {
            throw new DeviceCheckFailure($"the same training seed gave different draws on {device}: its generator is not seeded");
        }
        Console.WriteLine($"Seeding: the same training seed gives the same draws on {device}");
    }

    private static float[] DrawAfterTrainer(string device)
    {
        using var scope = NewDisposeScope();
        using var model = SearchSpaceRegistry.Build(SearchSpaces.Mlp(), new SpaceContext([4], 2));
        using var data = new TensorDataset(zeros(8, 4), zeros([8], dtype: ScalarType.Int64), DeviceSelection.Resolve(device), 2);
        using var trainer = new DartsTrainer(model, new DartsTrainerOptions { TrainData = data, BatchSize = 4, Epochs = 1, Device = device, Seed = 7 });
        return rand(64, device: trainer.Loop.Device).cpu().data<float>().ToArray();
    }
}
