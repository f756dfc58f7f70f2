using Microsoft.ML.Nas.Runtime;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>Saving a model so that a failure leaves an existing file as it was.</summary>
public static class NasModelOperations
{
    /// <summary>
    /// Saves like <c>mlContext.Model.Save(model, schema, path)</c>, but writes a temporary file beside
    /// <paramref name="path"/> and moves it over the target only when the save succeeded. ML.NET's own Save truncates the
    /// target first, so a failure there loses the previous model.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, temporary => catalog.Save(model, inputSchema, temporary));
    }
}
