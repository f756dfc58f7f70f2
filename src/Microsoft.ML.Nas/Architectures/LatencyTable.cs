using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// The forward latency of every LayerChoice candidate of a supernet, measured on one device with one thread count at a
/// few batch sizes, so that an architecture's latency is predicted without building it:
/// <c>latency(architecture) = fixed + Σ chosen candidates</c> (ProxylessNAS's latency model, Cai et al. 2019).
/// </summary>
/// <remarks>
/// <para>Each occurrence of a key is timed on its own input (the cells of <c>darts-cells</c> share keys, and a key's
/// entry is the sum over its occurrences): the supernet runs once in evaluation mode without gradients under a
/// reference architecture, and at each LayerChoice every candidate is run on that choice's input, warmed up and then
/// timed several times (the median counts). The fixed part is what the whole forward takes beyond its chosen candidates,
/// the median over three reference architectures; it holds the stem, the head, the InputChoices' sums and the calls'
/// overhead. On CUDA every timing synchronizes before and after.</para>
/// <para>Measuring takes a moment, so a table is cached as JSON in <see cref="DefaultCacheDirectory"/> (or the folder
/// given), one file per key: the device, the thread count, the host and its processor, the library and libtorch
/// versions, the input's sample shape and the supernet's structure (its modules' names and types, weight shapes,
/// decisions and each choice's input shape). A file holds every batch size measured under its key; a batch size it
/// lacks is measured and added. A file whose key, format or entries do not fit is measured again and replaced, never
/// trusted; files are written atomically. A change the key cannot see (a dilation that keeps every shape) needs the
/// file deleted or another folder.</para>
/// </remarks>
public sealed class LatencyTable
{
    /// <summary>The batch ML.NET scores in (<c>NasTransformer.ScoringBatchSize</c>): measured with batch 1 by default.</summary>
    public const int ScoringBatchSize = 256;

    // 2: whole forwards under masks stopped reading each mask back (MaskDecider), so a version-1 fixed part is too large.
    private const int FormatVersion = 2;
    private const int CandidateWarmup = 2;
    private const int CandidateRuns = 5;
    private const int NetworkWarmup = 2;
    private const int NetworkRuns = 7;
    private const int ReferenceArchitectures = 3;

    private readonly ModelSearchSpace space;
    private readonly Dictionary<int, LatencyTableFile.Batch> batches;

    private LatencyTable(ModelSearchSpace space, Dictionary<int, LatencyTableFile.Batch> batches, string device, int threads,
        IReadOnlyList<long> sampleShape, bool loadedFromCache, string? cacheFile)
    {
        this.space = space;
        this.batches = batches;
        Device = device;
        Threads = threads;
        SampleShape = sampleShape;
        LoadedFromCache = loadedFromCache;
        CacheFile = cacheFile;
    }

    /// <summary>
    /// Where tables are cached unless a folder is given: <c>Microsoft.ML.Nas/latency</c> under the user's local
    /// application data (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows), or under the temporary folder
    /// when there is none.
    /// </summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, "Microsoft.ML.Nas", "latency");
        }
    }

    /// <summary>The device measured on (<c>cpu</c>, <c>cuda:0</c>).</summary>
    public string Device { get; }

    /// <summary>libtorch's intra-op thread count during the measurement.</summary>
    public int Threads { get; }

    /// <summary>"1 thread" or "N threads", for messages.</summary>
    internal static string DescribeThreads(int threads) => threads == 1 ? "1 thread" : $"{threads} threads";

    /// <summary>The shape of one input sample (without the batch).</summary>
    public IReadOnlyList<long> SampleShape { get; }

    /// <summary>The batch sizes measured, ascending: those asked for, and any others its cache file held.</summary>
    public IReadOnlyList<int> BatchSizes => [.. batches.Keys.Order()];

    /// <summary>Whether this table was read from the cache (true) or measured now, wholly or for a batch size the cache lacked (false).</summary>
    public bool LoadedFromCache { get; }

    /// <summary>The cache file of this table; null when it could not be written.</summary>
    public string? CacheFile { get; }

    /// <summary>
    /// Measures the table of <paramref name="supernet"/> (which must already be on <paramref name="device"/>), or reads
    /// it from the cache. The supernet is left as it was: its mode, its mutator and libtorch's thread count are restored,
    /// its weights and batch-norm statistics are not touched, and torch's generator draws nothing.
    /// </summary>
    /// <param name="supernet">The supernet (or a fixed network: then the table is its fixed part only).</param>
    /// <param name="sampleShape">One sample's shape, e.g. [1, 28, 28].</param>
    /// <param name="device">The device to measure on.</param>
    /// <param name="threads">libtorch's intra-op threads during the measurement.</param>
    /// <param name="batchSizes">The batch sizes to measure; default 1 and <see cref="ScoringBatchSize"/>.</param>
    /// <param name="cacheDirectory">The cache folder; null for <see cref="DefaultCacheDirectory"/>.</param>
    /// <param name="log">Receives a line on what was measured or read; null for none.</param>
    /// <exception cref="ArgumentException">A shape, thread count or batch size is not positive, or the supernet is not on the device.</exception>
    public static LatencyTable Measure(nn.Module<Tensor, Tensor> supernet, IReadOnlyList<long> sampleShape, Device device, int threads,
        IReadOnlyList<int>? batchSizes = null, string? cacheDirectory = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(supernet);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(device);
        if (sampleShape.Count == 0 || sampleShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"The sample shape [{string.Join(", ", sampleShape)}] needs at least one dimension, each positive.", nameof(sampleShape));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        int[] sizes = [.. (batchSizes ?? [1, ScoringBatchSize]).Distinct().Order()];
        if (sizes.Length == 0 || sizes[0] <= 0)
        {
            throw new ArgumentException("The batch sizes to measure must be positive, and at least one.", nameof(batchSizes));
        }
        TorchRuntime.EnsureAvailable();
        RequireOn(supernet, device);
        var space = ModelSearchSpace.Of(supernet);
        long[] shape = [.. sampleShape];
        int previousThreads = get_num_threads();
        bool wasTraining = supernet.training;
        try
        {
            if (previousThreads != threads)
            {
                set_num_threads(threads);
            }
            supernet.eval();
            using var noGrad = no_grad();
            string key = Key(supernet, space, shape, device, threads);
            string folder = cacheDirectory ?? DefaultCacheDirectory;
            string file = Path.Combine(folder, "latency-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant() + ".json");
            var batches = new Dictionary<int, LatencyTableFile.Batch>();
            if (File.Exists(file))
            {
                if (LatencyTableFile.TryRead(file, FormatVersion, key, space, out var cached, out string reason))
                {
                    batches = cached;
                }
                else
                {
                    log?.Invoke($"Latency table: the cached '{file}' {reason}; measuring again.");
                }
            }
            int[] missing = [.. sizes.Where(b => !batches.ContainsKey(b))];
            if (missing.Length == 0)
            {
                log?.Invoke($"Latency table: read from '{file}' ({device}, {DescribeThreads(threads)}).");
                return new LatencyTable(space, batches, device.ToString(), threads, shape, loadedFromCache: true, file);
            }
            var clock = Stopwatch.StartNew();
            foreach (int batch in missing)
            {
                batches[batch] = MeasureBatch(supernet, space, shape, device, batch);
            }
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"Latency table: measured {space.Nodes.Count(n => n.Mutable is LayerChoice)} choices at batch {string.Join(" and ", missing)} on {device} ({DescribeThreads(threads)}) in {clock.Elapsed.TotalSeconds:F1} s."));
            string? written = LatencyTableFile.TryWrite(file, FormatVersion, key, device.ToString(), threads, shape, batches, log);
            return new LatencyTable(space, batches, device.ToString(), threads, shape, loadedFromCache: false, written);
        }
        finally
        {
            supernet.train(wasTraining);
            if (get_num_threads() != previousThreads)
            {
                set_num_threads(previousThreads);
            }
        }
    }

    /// <summary>
    /// The median time of a forward of <paramref name="network"/> (a fixed network, or a supernet whose mutator holds its
    /// decisions) at <paramref name="batchSize"/>, in evaluation mode without gradients, with libtorch's current thread
    /// count, warmed up first. What a table's prediction is compared with.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="sampleShape">One sample's shape, e.g. [1, 28, 28].</param>
    /// <param name="batchSize">The batch size.</param>
    /// <param name="device">The device the network is on.</param>
    /// <param name="threads">libtorch's intra-op threads while timing (restored afterwards); null for the current count.</param>
    /// <exception cref="ArgumentException">The network is not on the device, or the batch size is not positive.</exception>
    public static TimeSpan MeasureForward(nn.Module<Tensor, Tensor> network, IReadOnlyList<long> sampleShape, int batchSize, Device device, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        TorchRuntime.EnsureAvailable();
        RequireOn(network, device);
        bool wasTraining = network.training;
        int previousThreads = get_num_threads();
        try
        {
            if (threads is { } count && count != previousThreads)
            {
                set_num_threads(count);
            }
            network.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var input = Input([.. sampleShape], batchSize, device);
            return TimeSpan.FromMilliseconds(Time(device, NetworkWarmup, NetworkRuns, () => network.call(input)));
        }
        finally
        {
            network.train(wasTraining);
            if (get_num_threads() != previousThreads)
            {
                set_num_threads(previousThreads);
            }
        }
    }

    /// <summary>The predicted forward latency of <paramref name="architecture"/>'s network at <paramref name="batchSize"/>.</summary>
    /// <exception cref="ArchitectureException">The architecture does not fit the space's keys or choices.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The batch size was not measured.</exception>
    public TimeSpan Predict(Architecture architecture, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return TimeSpan.FromMilliseconds(At(batchSize).Of(ArchitectureResolver.ToMasks(architecture, space)));
    }

    /// <summary>The least latency an architecture of the space can have at <paramref name="batchSize"/> (each key's fastest candidate).</summary>
    public TimeSpan Smallest(int batchSize = 1) => TimeSpan.FromMilliseconds(At(batchSize).Smallest);

    /// <summary>The part of every architecture's latency that no choice changes, in milliseconds.</summary>
    public double FixedMilliseconds(int batchSize = 1) => Entry(batchSize).Fixed;

    /// <summary>What candidate <paramref name="candidate"/> of LayerChoice key <paramref name="key"/> adds, in milliseconds (summed over the key's occurrences).</summary>
    /// <exception cref="KeyNotFoundException">The key is not a LayerChoice of the space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The candidate index or the batch size is out of range.</exception>
    public double CandidateMilliseconds(string key, int candidate, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(key);
        var candidates = Entry(batchSize).Candidates;
        if (!candidates.TryGetValue(key, out var costs))
        {
            throw new KeyNotFoundException($"The latency table has no LayerChoice '{key}'; its keys are: {string.Join(", ", candidates.Keys)}.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(candidate);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(candidate, costs.Length);
        return costs[candidate];
    }

    /// <summary>The table at one batch size as a cost the budgets add up.</summary>
    internal IArchitectureCost At(int batchSize) => new BatchCost(Entry(batchSize), batchSize);

    /// <summary>
    /// The median forward time of <paramref name="supernet"/> running only <paramref name="architecture"/>'s candidates
    /// (no pruning, no mutator: its own is set aside meanwhile): the measured latency of an exported architecture while
    /// the search still holds the supernet.
    /// </summary>
    internal static TimeSpan MeasureArchitecture(nn.Module<Tensor, Tensor> supernet, Architecture architecture, IReadOnlyList<long> sampleShape,
        int batchSize, Device device, int threads)
    {
        var space = ModelSearchSpace.Of(supernet);
        using var decider = new MaskDecider(space, ArchitectureResolver.ToMasks(architecture, space));
        return MeasureForward(supernet, sampleShape, batchSize, device, threads);
    }

    private LatencyTableFile.Batch Entry(int batchSize) => batches.TryGetValue(batchSize, out var entry) ? entry
        : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The latency table was measured at batch {string.Join(" and ", BatchSizes)} only.");

    private static LatencyTableFile.Batch MeasureBatch(nn.Module<Tensor, Tensor> supernet, ModelSearchSpace space, long[] shape, Device device, int batchSize)
    {
        using var scope = NewDisposeScope();
        var input = Input(shape, batchSize, device);
        var costs = space.Decisions.Where(d => d.Kind == MutableKind.LayerChoice).ToDictionary(d => d.Key, d => new double[d.CandidateCount], StringComparer.Ordinal);
        int occurrences = space.Nodes.Count(n => n.Mutable is LayerChoice);
        var timed = new HashSet<LayerChoice>(ReferenceEqualityComparer.Instance);
        // A choice a reference architecture does not run (one behind an unchosen input) is timed under the next.
        for (int reference = 0; reference < ReferenceArchitectures && timed.Count < occurrences; reference++)
        {
            using var decider = new MaskDecider(space, MaskDecider.Reference(space, reference));
            decider.BeforeLayerChoice = (choice, x) =>
            {
                if (timed.Add(choice))
                {
                    for (int i = 0; i < choice.Candidates.Count; i++)
                    {
                        var candidate = choice.Candidates[i];
                        costs[choice.Key][i] += Time(device, CandidateWarmup, CandidateRuns, () => candidate.call(x));
                    }
                }
            };
            using (NewDisposeScope())
            {
                supernet.call(input);
            }
        }
        var fixedParts = new double[ReferenceArchitectures];
        for (int reference = 0; reference < ReferenceArchitectures; reference++)
        {
            var chosen = MaskDecider.Reference(space, reference);
            using var decider = new MaskDecider(space, chosen);
            double total = Time(device, NetworkWarmup, NetworkRuns, () => supernet.call(input));
            fixedParts[reference] = total - costs.Sum(c => c.Value.Where((_, i) => chosen[c.Key][i]).Sum());
        }
        // Noise can make a tiny fixed part come out below zero; a latency cannot.
        return new LatencyTableFile.Batch(Math.Max(0, Median(fixedParts)), costs);
    }

    private static double Time(Device device, int warmup, int runs, Func<Tensor> run)
    {
        for (int i = 0; i < warmup; i++)
        {
            using (NewDisposeScope())
            {
                run();
            }
        }
        var milliseconds = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            using (NewDisposeScope())
            {
                Synchronize(device);
                long start = Stopwatch.GetTimestamp();
                run();
                Synchronize(device);
                milliseconds[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        return Median(milliseconds);
    }

    private static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            cuda.synchronize(device);
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    // A fixed ramp: the values do not change the time of these ops, and drawing them would move torch's generator.
    private static Tensor Input(long[] shape, int batchSize, Device device)
    {
        long[] dimensions = [batchSize, .. shape];
        long count = dimensions.Aggregate(1L, (a, b) => a * b);
        return linspace(-1, 1, count, dtype: ScalarType.Float32).reshape(dimensions).to(device);
    }

    private static void RequireOn(nn.Module module, Device device)
    {
        if (module.parameters().FirstOrDefault() is { } weight && (weight.device.type != device.type
            || (weight.device.index >= 0 && device.index >= 0 && weight.device.index != device.index)))
        {
            throw new ArgumentException($"The network's weights are on {weight.device}; move it to {device} before measuring its latency there.", nameof(device));
        }
    }

    private static string Key(nn.Module<Tensor, Tensor> supernet, ModelSearchSpace space, long[] shape, Device device, int threads)
    {
        var key = new StringBuilder();
        void Line(FormattableString line) => key.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line($"format {FormatVersion}");
        Line($"library {typeof(LatencyTable).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}");
        Line($"libtorch {__version__}");
        Line($"host {Environment.MachineName} {CpuModel()} {Environment.ProcessorCount} processors");
        Line($"device {device} threads {threads}");
        Line($"sample [{string.Join(",", shape)}]");
        foreach (var decision in space.Decisions)
        {
            Line($"decision {decision.Key} {decision.Kind} {decision.NChosen} [{string.Join(",", decision.CandidateNames)}] x{decision.Mutables.Count}");
        }
        foreach (var (name, module) in supernet.named_modules())
        {
            Line($"module {name} {module.GetType().FullName}");
        }
        foreach (var (name, weight) in supernet.named_parameters())
        {
            Line($"parameter {name} [{string.Join(",", weight.shape)}]");
        }
        foreach (var (name, buffer) in supernet.named_buffers())
        {
            Line($"buffer {name} [{string.Join(",", buffer.shape)}]");
        }
        // Strides and paddings show in the shapes they make: each choice's input and the output at batch 1.
        using var scope = NewDisposeScope();
        using var decider = new MaskDecider(space, MaskDecider.Reference(space, 0));
        decider.BeforeLayerChoice = (choice, x) => Line($"input {choice.Key} [{string.Join(",", x.shape)}]");
        var output = supernet.call(Input(shape, 1, device));
        Line($"output [{string.Join(",", output.shape)}]");
        return key.ToString();
    }

    private static string CpuModel()
    {
        try
        {
            const string cpuInfo = "/proc/cpuinfo";
            if (File.Exists(cpuInfo))
            {
                return File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
                    ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
            }
        }
        catch (IOException)
        {
        }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    private sealed class BatchCost(LatencyTableFile.Batch entry, int batchSize) : IArchitectureCost
    {
        public double Fixed => entry.Fixed;

        public double Smallest => entry.Fixed + entry.Candidates.Values.Sum(c => c.Min());

        public double Cost(string key, int candidate) => entry.Candidates[key][candidate];

        public double SmallestCost(string key) => entry.Candidates[key].Min();

        public double Of(IReadOnlyDictionary<string, bool[]> chosen) =>
            entry.Fixed + entry.Candidates.Sum(c => c.Value.Where((_, i) => chosen[c.Key][i]).Sum());

        public string Describe(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:0.000} ms at batch {batchSize}");
    }
}
