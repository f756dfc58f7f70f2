using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// One resolved decision over a mutable's candidates: a weight per candidate (1 or 0 for a bool mask) and whether the
/// weights scale outputs (a float mask) or only select (a bool mask).
/// </summary>
internal sealed class Selection
{
    public Selection(float[] values, bool weighted)
    {
        Values = values;
        Weighted = weighted;
    }

    public float[] Values { get; }

    public bool Weighted { get; }

    public int Count => Values.Length;

    /// <summary>The indices of the candidates that run (non-zero entries), ascending.</summary>
    public int[] Chosen => Enumerable.Range(0, Values.Length).Where(i => Values[i] != 0f).ToArray();

    public static Selection FromIndices(int count, IEnumerable<int> chosen)
    {
        var values = new float[count];
        foreach (int i in chosen)
        {
            values[i] = 1f;
        }
        return new Selection(values, weighted: false);
    }

    /// <summary>A new mask tensor for this decision (bool, or float32 weights) on the CPU.</summary>
    public Tensor ToTensor() => Weighted ? tensor(Values) : tensor(Values.Select(v => v != 0f).ToArray());
}
