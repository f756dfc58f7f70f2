using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces.Ops;

/// <summary>
/// PC-DARTS's partial channel connection (Xu et al., arXiv 1907.05737): an edge's ops see only the first 1/K of its
/// channels; the other channels bypass them (max-pooled 2×2 on a stride-2 edge), the two parts are concatenated and
/// the channels shuffled in K groups, so the next step's 1/K are other channels. Fewer than
/// <see cref="ChannelsLast.MinimumChannels"/> channels reach the ops in NCHW.
/// </summary>
public static class PartialChannels
{
    /// <summary>The edge's output: <paramref name="op"/> on the first C/K channels of <paramref name="x"/>, the rest bypassed, then <see cref="Shuffle"/>.</summary>
    /// <param name="x">The edge's input, [N, C, H, W] with C a multiple of <paramref name="k"/>.</param>
    /// <param name="k">K: the ops see C/K channels.</param>
    /// <param name="reduces">Whether the edge halves the resolution (stride 2): the bypassed channels are max-pooled 2×2 (ceil mode, as the ops round).</param>
    /// <param name="op">The edge's ops on C/K channels; null output means the edge has none (then so does this).</param>
    /// <exception cref="ArgumentException">C is not a multiple of K.</exception>
    public static Tensor? Run(Tensor x, int k, bool reduces, Func<Tensor, Tensor?> op)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(op);
        long channels = x.size(1);
        if (k < 1 || channels % k != 0)
        {
            throw new ArgumentException($"Partial channel connections split {channels} channels in {k}: the channels must be a multiple of K.", nameof(k));
        }
        long part = channels / k;
        using var scope = NewDisposeScope();
        var slice = x.narrow(1, 0, part);
        if (part < ChannelsLast.MinimumChannels && ChannelsLast.Is(x))
        {
            // The ops' kernels run faster in NCHW on so few channels (ChannelsLast.MinimumChannels).
            slice = slice.contiguous();
        }
        var processed = op(slice);
        if (processed is null)
        {
            return null;
        }
        var bypassed = x.narrow(1, part, channels - part);
        if (reduces)
        {
            bypassed = nn.functional.max_pool2d(bypassed, 2, 2, ceil_mode: true);
        }
        return Shuffle(cat([processed, bypassed], 1), k).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ShuffleNet's channel shuffle in <paramref name="groups"/> groups: channel g·(C/groups) + i goes to i·groups + g,
    /// an exact permutation of the channels.
    /// </summary>
    /// <exception cref="ArgumentException">The channels are not a multiple of <paramref name="groups"/>.</exception>
    public static Tensor Shuffle(Tensor x, int groups)
    {
        ArgumentNullException.ThrowIfNull(x);
        long n = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
        if (groups < 1 || channels % groups != 0)
        {
            throw new ArgumentException($"A channel shuffle in {groups} groups needs a multiple of {groups} channels; got {channels}.", nameof(groups));
        }
        using var scope = NewDisposeScope();
        return x.reshape(n, groups, channels / groups, height, width).transpose(1, 2).reshape(n, channels, height, width).MoveToOuterDisposeScope();
    }
}
