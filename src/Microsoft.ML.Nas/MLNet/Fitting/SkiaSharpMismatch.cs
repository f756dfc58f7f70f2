namespace Microsoft.ML.Nas.MLNet.Fitting;

/// <summary>
/// Explains the one failure that our own packages can cause in ML.NET's image transforms. Microsoft.ML.ImageAnalytics 5
/// is built against SkiaSharp 2.88, and SkiaSharp 4 removed members it calls (<c>SKBitmap.GetPixelSpan</c>). NuGet
/// resolves one SkiaSharp per application, the highest asked for, so an application that also references
/// Microsoft.ML.Nas.Rendering (whose SVG renderer, Svg.Skia 5, needs SkiaSharp 4) fails while Fit reads the images,
/// with a bare <see cref="MissingMethodException"/> from deep inside ML.NET; and so does scoring, in an application
/// that only loads a model.
/// </summary>
internal static class SkiaSharpMismatch
{
    /// <summary>What the messages call the rows that Transform or a PredictionEngine scores.</summary>
    public const string ScoredData = "data being scored";

    /// <summary>
    /// The exception to throw instead of <paramref name="failure"/>, raised while reading column
    /// <paramref name="column"/> of the <paramref name="what"/>; null when the failure is not a SkiaSharp member that
    /// this process's SkiaSharp lacks.
    /// </summary>
    public static InvalidOperationException? Explain(Exception failure, string what, string column)
    {
        var missing = Causes(failure).FirstOrDefault(e =>
            (e is MissingMemberException or TypeLoadException) && e.Message.Contains("SkiaSharp", StringComparison.Ordinal));
        if (missing is null)
        {
            return null;
        }
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "SkiaSharp")?.GetName().Version;
        return new InvalidOperationException(
            $"Reading column '{column}' of the {what} failed inside the transforms before NAS: {missing.Message} " +
            $"This process runs SkiaSharp {loaded?.ToString() ?? "(not loaded)"}, and ML.NET's image transforms " +
            "(Microsoft.ML.ImageAnalytics 5: LoadImages, ResizeImages, ExtractPixels) need SkiaSharp 2.88; SkiaSharp 4 " +
            "removed members they call. Microsoft.ML.Nas.Rendering, which draws PNG pictures, brings SkiaSharp 4. In an " +
            "application that loads images through ML.NET, leave Microsoft.ML.Nas.Rendering out and draw the pictures as " +
            ".svg or .dot, which need no package.",
            failure);
    }

    private static IEnumerable<Exception> Causes(Exception failure)
    {
        var pending = new Stack<Exception>([failure]);
        while (pending.TryPop(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
