using System.Diagnostics;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.MLNet;

namespace Microsoft.ML.Nas.Tests.MLNet;

/// <summary>Save and Load through MLContext, with no registration call, in the same and in a fresh process.</summary>
[TestClass]
public sealed class NasModelPersistenceTests
{
    private const int Rows = 300;

    [TestMethod]
    public void Saved_model_loads_in_a_fresh_context_and_a_fresh_process_with_bit_identical_scores()
    {
        var mlContext = new MLContext(seed: 1);
        var (chain, model) = TrainedMlp.Fit(mlContext);
        using var _ = model;
        var digits = MnistDigits.Load();
        var test = digits.ToDataView(mlContext, digits.TestIndices[..Rows]);
        float[] expected = TrainedMlp.Scores(chain.Transform(test));
        string directory = Directory.CreateTempSubdirectory("nas-persistence").FullName;
        string path = Path.Combine(directory, "model.zip");
        mlContext.Model.Save(chain, test.Schema, path);

        var fresh = new MLContext(seed: 2);
        var loaded = fresh.Model.Load(path, out var schema);
        Assert.AreEqual(test.Schema.Count, schema.Count);
        CollectionAssert.AreEqual(expected, TrainedMlp.Scores(loaded.Transform(digits.ToDataView(fresh, digits.TestIndices[..Rows]))));
        var loadedNas = (NasTransformer)((Microsoft.ML.Data.TransformerChain<ITransformer>)loaded).LastTransformer;
        Assert.AreEqual(model.Architecture.ToJson(), loadedNas.Architecture.ToJson());
        Assert.AreEqual(model.Spec, loadedNas.Spec);
        Assert.AreEqual(model.ParameterCount, loadedNas.ParameterCount);
        Assert.AreEqual(model.History.ToJson(), loadedNas.History.ToJson());

        string scoresFile = Path.Combine(directory, "scores.bin");
        var (exitCode, output) = RunLoader(path, Rows, scoresFile);
        Assert.AreEqual(0, exitCode, output);
        var bytes = File.ReadAllBytes(scoresFile);
        float[] childScores = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, childScores, 0, bytes.Length);
        CollectionAssert.AreEqual(expected, childScores, "scores of the model loaded in a child process");
    }

    /// <summary>Runs tests/Microsoft.ML.Nas.ModelLoader (copied beside the tests) with the tests' runtime config and dependencies.</summary>
    internal static (int ExitCode, string Output) RunLoader(string modelPath, int rows, string scoresFile)
    {
        string directory = AppContext.BaseDirectory;
        string testName = typeof(NasModelPersistenceTests).Assembly.GetName().Name!;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (string argument in (string[])["exec", "--runtimeconfig", Path.Combine(directory, testName + ".runtimeconfig.json"),
                     "--depsfile", Path.Combine(directory, testName + ".deps.json"),
                     Path.Combine(directory, "Microsoft.ML.Nas.ModelLoader.dll"), modelPath, rows.ToString(System.Globalization.CultureInfo.InvariantCulture), scoresFile])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
