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
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            catalog.Save(model, inputSchema, temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
