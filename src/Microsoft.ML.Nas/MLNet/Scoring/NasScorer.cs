using Microsoft.ML.Nas.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.MLNet.Scoring;

/// <summary>Runs the fixed network on batches of feature rows and returns class probabilities.</summary>
internal sealed class NasScorer : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly long[] sampleShape;
    private readonly Lock gate = new();
    private bool disposed;

    public NasScorer(nn.Module<Tensor, Tensor> model, SpaceContext context, Device device)
    {
        this.model = model;
        Device = device;
        sampleShape = [.. context.SampleShape];
        FeatureCount = checked((int)sampleShape.Aggregate(1L, (a, b) => a * b));
        ClassCount = context.ClassCount;
        model.to(device);
        model.eval();
    }

    public Device Device { get; }

    public int FeatureCount { get; }

    public int ClassCount { get; }

    public nn.Module<Tensor, Tensor> Model => model;

    public bool IsDisposed => disposed;

    /// <summary>
    /// Scores <paramref name="rows"/> samples held row after row in <paramref name="features"/> and writes their
    /// probabilities, <see cref="ClassCount"/> per row, into <paramref name="probabilities"/>.
    /// </summary>
    public void Score(ReadOnlySpan<float> features, int rows, Span<float> probabilities)
    {
        if (features.Length < rows * FeatureCount || probabilities.Length < rows * ClassCount)
        {
            throw new ArgumentException($"A batch of {rows} rows needs {rows * FeatureCount} feature values and room for {rows * ClassCount} scores.");
        }
        // One forward at a time: a module's forward is not meant to run concurrently with itself.
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            long[] shape = [rows, .. sampleShape];
            // On CUDA, a pageable copy per batch of 256 rows: pinned memory could overlap it with the forward only if
            // the next batch were ready, and the copy back (.cpu()) waits for the forward anyway.
            var input = tensor(features[..(rows * FeatureCount)].ToArray(), shape).to(Device);
            var output = nn.functional.softmax(model.forward(input), 1).to(float32).cpu().contiguous();
            if (output.shape.Length != 2 || output.shape[1] != ClassCount)
            {
                throw new InvalidOperationException(
                    $"The NAS network returned shape [{string.Join(", ", output.shape)}] for {rows} rows; expected [{rows}, {ClassCount}].");
            }
            output.data<float>().CopyTo(probabilities[..(rows * ClassCount)]);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (!disposed)
            {
                disposed = true;
                model.Dispose();
            }
        }
    }
}
