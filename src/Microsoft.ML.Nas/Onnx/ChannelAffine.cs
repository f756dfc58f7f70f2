using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Onnx;

/// <summary>
/// What an inference-mode batch norm does to each channel, y = x·scale + shift, computed in double from its running
/// statistics: folded into the convolution before it, that norm disappears from the graph exactly (up to the one
/// rounding of the folded weights to float).
/// </summary>
internal sealed class ChannelAffine
{
    private ChannelAffine(double[] scale, double[] shift)
    {
        Scale = scale;
        Shift = shift;
    }

    public double[] Scale { get; }

    public double[] Shift { get; }

    public int Count => Scale.Length;

    /// <exception cref="NotSupportedException">The norm keeps no running statistics, so its inference output depends on the batch.</exception>
    public static ChannelAffine Of(BatchNorm norm, string path)
    {
        var (mean, variance, gamma, beta) = Statistics(norm, path);
        var scale = new double[mean.Length];
        var shift = new double[mean.Length];
        for (int c = 0; c < mean.Length; c++)
        {
            scale[c] = (gamma?[c] ?? 1.0) / Math.Sqrt(variance[c] + norm.eps);
            shift[c] = (beta?[c] ?? 0.0) - mean[c] * scale[c];
        }
        return new ChannelAffine(scale, shift);
    }

    /// <summary>Running mean, running variance, weight and bias (null without affine) as doubles.</summary>
    public static (double[] Mean, double[] Variance, double[]? Gamma, double[]? Beta) Statistics(BatchNorm norm, string path)
    {
        if (!norm.track_running_stats || norm.running_mean is null || norm.running_var is null)
        {
            throw new NotSupportedException(
                $"ONNX export: batch norm '{path}' keeps no running statistics (track_running_stats is false), so its output depends on the batch; " +
                "create it with track_running_stats: true to export it.");
        }
        return (Read(norm.running_mean), Read(norm.running_var), norm.weight is null ? null : Read(norm.weight), norm.bias is null ? null : Read(norm.bias));
    }

    public ChannelAffine Slice(int start, int count) => new(Scale[start..(start + count)], Shift[start..(start + count)]);

    public static double[] Read(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().cpu().to(ScalarType.Float64).contiguous().data<double>().ToArray();
    }
}
