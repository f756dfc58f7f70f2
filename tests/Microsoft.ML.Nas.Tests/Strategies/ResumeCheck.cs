using Microsoft.ML.Nas.Strategies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies;

/// <summary>What a resumable search run needs from <see cref="ResumeCheck"/>: where to checkpoint, and the stop signal.</summary>
/// <param name="Directory">The checkpoint folder, or null for none.</param>
/// <param name="Token">Cancelled after the first epoch when the run is to be interrupted.</param>
/// <param name="Progress">Cancels the token after the first epoch, or null.</param>
internal sealed record ResumeSettings(string? Directory, CancellationToken Token, IProgress<OneShotProgress>? Progress);

/// <summary>
/// The bit-exact resume check of a search of two or more epochs: run it uninterrupted; run it again with checkpoints, stopped after
/// its first epoch; then start afresh from a different initialization, resume from the checkpoint and finish. The
/// alphas and every weight must equal the uninterrupted run's.
/// </summary>
internal static class ResumeCheck
{
    /// <param name="create">Makes the trainer (2 epochs or more, seed 5, one thread) with the settings, its model and its alphas.</param>
    public static void AssertBitExact<TStrategy>(
        Func<ResumeSettings, (OneShotSearchTrainer<TStrategy> Trainer, nn.Module Model, Func<IReadOnlyDictionary<string, Parameter>> Alphas)> create)
        where TStrategy : IOneShotStrategy
    {
        string folder = Path.Combine(Path.GetTempPath(), $"nas-resume-{Guid.NewGuid():N}");
        try
        {
            var (uninterruptedAlphas, uninterruptedWeights) = Run(create, folder: null, stopAfterFirstEpoch: false, resume: false);
            Assert.ThrowsExactly<OperationCanceledException>(() => Run(create, folder, stopAfterFirstEpoch: true, resume: false));
            var (resumedAlphas, resumedWeights) = Run(create, folder, stopAfterFirstEpoch: false, resume: true);

            foreach (var (key, alpha) in uninterruptedAlphas)
            {
                CollectionAssert.AreEqual(alpha, resumedAlphas[key], $"alphas of {key}");
            }
            foreach (var (name, weight) in uninterruptedWeights)
            {
                CollectionAssert.AreEqual(weight, resumedWeights[name], $"weights of {name}");
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(folder))
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static (Dictionary<string, float[]> Alphas, Dictionary<string, float[]> Weights) Run<TStrategy>(
        Func<ResumeSettings, (OneShotSearchTrainer<TStrategy> Trainer, nn.Module Model, Func<IReadOnlyDictionary<string, Parameter>> Alphas)> create,
        string? folder, bool stopAfterFirstEpoch, bool resume)
        where TStrategy : IOneShotStrategy
    {
        // A different initialization when resuming: everything must come from the checkpoint.
        random.manual_seed(resume ? 99 : 5);
        using var cancellation = new CancellationTokenSource();
        var progress = stopAfterFirstEpoch ? new InlineProgress<OneShotProgress>(p => { if (p.Completed is not null) cancellation.Cancel(); }) : null;
        var (trainer, model, alphas) = create(new ResumeSettings(folder, cancellation.Token, progress));
        using (model)
        using (trainer)
        {
            if (resume)
            {
                trainer.Resume(folder!);
                Assert.AreEqual(1, trainer.Loop.CompletedEpochs);
            }
            trainer.Train();
            return (alphas().ToDictionary(p => p.Key, p => p.Value.detach().data<float>().ToArray()),
                model.state_dict().ToDictionary(p => p.Key, p => p.Value.to(ScalarType.Float32).contiguous().data<float>().ToArray()));
        }
    }
}
