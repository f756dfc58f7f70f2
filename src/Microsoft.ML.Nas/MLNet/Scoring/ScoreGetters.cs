using Microsoft.ML.Data;

namespace Microsoft.ML.Nas.MLNet.Scoring;

/// <summary>Getters of Score and PredictedLabel over a row's probabilities, however they are held.</summary>
internal static class ScoreGetters
{
    /// <summary>A getter of the Score vector; <paramref name="current"/> gives the current row's probabilities.</summary>
    public static ValueGetter<VBuffer<float>> Score(Func<ReadOnlyMemory<float>> current) =>
        (ref VBuffer<float> value) =>
        {
            var probabilities = current().Span;
            var editor = VBufferEditor.Create(ref value, probabilities.Length);
            probabilities.CopyTo(editor.Values);
            value = editor.Commit();
        };

    /// <summary>A getter of PredictedLabel: the key (1-based) of the most probable class.</summary>
    public static ValueGetter<uint> PredictedLabel(Func<ReadOnlyMemory<float>> current) =>
        (ref uint value) =>
        {
            var probabilities = current().Span;
            int best = 0;
            for (int i = 1; i < probabilities.Length; i++)
            {
                if (probabilities[i] > probabilities[best])
                {
                    best = i;
                }
            }
            value = (uint)best + 1;
        };
}
