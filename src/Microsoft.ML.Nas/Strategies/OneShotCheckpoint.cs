using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Strategies;

/// <summary>
/// The checkpoint folder of a one-shot search: <c>model.dat</c> (weights and buffers), <c>state.bin</c> (epoch, torch's
/// random state, stream positions, the weights' optimizer, which weights have a gradient yet (<see cref="SampledGradients"/>),
/// the strategy's state) and <c>history.json</c> (readable).
/// Each file is written beside its final name and then moved over it, so an interrupted write leaves the old one.
/// </summary>
internal static class OneShotCheckpoint
{
    private const string Magic = "Microsoft.ML.Nas.OneShotCheckpoint";
    private const int Version = 2;
    private const string ModelFile = "model.dat";
    private const string StateFile = "state.bin";
    private const string HistoryFile = "history.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(string directory, OneShotContext context, IOneShotStrategy strategy, IReadOnlyList<EpochRecord> history)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        WriteAtomically(Path.Combine(directory, ModelFile), path => context.Model.save(path));
        WriteAtomically(Path.Combine(directory, StateFile), path =>
        {
            using var stream = File.Create(path);
            using var writer = new BinaryWriter(stream);
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(strategy.Name);
            writer.Write(history.Count);
            using (var scope = NewDisposeScope())
            {
                // The CPU generator's state. A GPU generator's cannot be read through TorchSharp 0.107: training reseeds
                // those at every epoch instead (OneShotTrainer.RunEpoch), so a resumed run draws the same there too.
                var state = random.get_rng_state();
                writer.Write(state.shape[0]);
                writer.Write(state.data<byte>().ToArray());
            }
            writer.Write(context.Streams.Count);
            foreach (var (name, batches) in context.Streams.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.Write(name);
                writer.Write(batches.Position);
            }
            context.WeightOptimizer.Save(writer);
            SampledGradients.Write(writer, context.Model);
            strategy.SaveState(writer);
        });
        WriteAtomically(Path.Combine(directory, HistoryFile), path => File.WriteAllText(path, JsonSerializer.Serialize(history, Json)));
    }

    public static IReadOnlyList<EpochRecord> Load(string directory, OneShotContext context, IOneShotStrategy strategy)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string statePath = Path.Combine(directory, StateFile);
        string modelPath = Path.Combine(directory, ModelFile);
        string historyPath = Path.Combine(directory, HistoryFile);
        foreach (var path in new[] { statePath, modelPath, historyPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"'{directory}' holds no complete one-shot checkpoint: '{Path.GetFileName(path)}' is missing.", path);
            }
        }
        using var stream = File.OpenRead(statePath);
        using var reader = new BinaryReader(stream);
        if (reader.ReadString() != Magic || reader.ReadInt32() != Version)
        {
            throw new InvalidDataException($"'{statePath}' is not a version {Version} one-shot checkpoint.");
        }
        string name = reader.ReadString();
        if (name != strategy.Name)
        {
            throw new InvalidDataException($"The checkpoint in '{directory}' was written by a {name} search, not by {strategy.Name}.");
        }
        int completed = reader.ReadInt32();
        var history = JsonSerializer.Deserialize<List<EpochRecord>>(File.ReadAllText(historyPath), Json)
            ?? throw new InvalidDataException($"'{historyPath}' holds no history.");
        if (history.Count != completed)
        {
            throw new InvalidDataException($"'{historyPath}' has {history.Count} epochs but the state says {completed}.");
        }
        long rngLength = reader.ReadInt64();
        var rngState = reader.ReadBytes(checked((int)rngLength));
        using (var scope = NewDisposeScope())
        {
            random.set_rng_state(tensor(rngState, dtype: ScalarType.Byte));
        }
        int streamCount = reader.ReadInt32();
        for (int i = 0; i < streamCount; i++)
        {
            string streamName = reader.ReadString();
            long position = reader.ReadInt64();
            if (!context.Streams.TryGetValue(streamName, out var batches))
            {
                throw new InvalidDataException($"The checkpoint has a batch stream '{streamName}' that this strategy did not create.");
            }
            batches.Position = position;
        }
        context.Model.load(modelPath);
        context.WeightOptimizer.Load(reader);
        SampledGradients.Read(reader, context.Model);
        strategy.LoadState(reader);
        return history;
    }

    /// <summary>The history of the checkpoint in <paramref name="directory"/> (a finished P-DARTS stage's).</summary>
    /// <exception cref="FileNotFoundException">The folder holds no history.</exception>
    public static IReadOnlyList<EpochRecord> ReadHistory(string directory)
    {
        string historyPath = Path.Combine(directory, HistoryFile);
        if (!File.Exists(historyPath))
        {
            throw new FileNotFoundException($"'{directory}' holds no one-shot checkpoint history ('{HistoryFile}').", historyPath);
        }
        return JsonSerializer.Deserialize<List<EpochRecord>>(File.ReadAllText(historyPath), Json)
            ?? throw new InvalidDataException($"'{historyPath}' holds no history.");
    }

    /// <summary>Whether <paramref name="directory"/> holds a checkpoint's state (a stage that finished an epoch).</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, StateFile));

    private static void WriteAtomically(string path, Action<string> write)
    {
        string temporary = path + ".partial";
        write(temporary);
        File.Move(temporary, path, overwrite: true);
    }
}
