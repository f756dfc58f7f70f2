using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>Metric functions for classification: (logits [B, K], labels [B]) → a number, higher is better.</summary>
public static class Metrics
{
    /// <summary>Top-1 accuracy: the fraction of rows whose largest logit is the label's.</summary>
    public static double Accuracy(Tensor logits, Tensor labels) => TopK(logits, labels, 1);

    /// <summary>Top-k accuracy: the fraction of rows whose label is among the <paramref name="k"/> largest logits.</summary>
    /// <exception cref="ArgumentException">The shapes do not describe a batch of logits and its labels.</exception>
    public static double TopK(Tensor logits, Tensor labels, int k)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != 2 || labels.dim() != 1 || logits.size(0) != labels.size(0))
        {
            throw new ArgumentException(
                $"Expected logits [B, K] and labels [B]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", labels.shape)}].");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long rows = labels.size(0);
        if (rows == 0)
        {
            return 0;
        }
        var top = logits.topk((int)Math.Min(k, logits.size(1)), dim: 1).indexes;
        var hits = top.eq(labels.unsqueeze(1)).any(1).sum().item<long>();
        return (double)hits / rows;
    }
}
