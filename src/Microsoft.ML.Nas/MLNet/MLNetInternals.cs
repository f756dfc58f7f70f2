using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.MLNet;
using Microsoft.ML.Nas.MLNet.Persistence;
using Microsoft.ML.Runtime;

// The library compiles against a publicized Microsoft.ML.Core (build/Publicizer); this attribute lets the runtime accept
// the calls below into its internals. Without it the runtime also hides the LoadableClass attribute from ML.NET's
// catalog, and Model.Load fails. Every use of ML.NET internals lives in this file.
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: LoadableClass(typeof(NasTransformer), typeof(MLNetInternals), null, typeof(SignatureLoadModel),
    "Neural architecture search model", MLNetInternals.LoaderSignature)]

namespace Microsoft.ML.Nas.MLNet;

/// <summary>The ML.NET internals the library needs: model save/load, version info and cancellation.</summary>
internal static class MLNetInternals
{
    /// <summary>The name ML.NET's catalog finds the loader under; it is written into every saved model.</summary>
    internal const string LoaderSignature = "NasTransformer";

    private const string WeightsStreamName = "NasWeights.bin";

    // 0x00010001: spec, architecture, columns, sample shape, label metadata, history and weights.
    // 0x00010002: the same, the metadata as one block, and a SHA-256 of each part (NasModelChecksums).
    private const uint FormatWithChecksums = 0x00010002;

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "NAS TRNS",
        verWrittenCur: FormatWithChecksums,
        verReadableCur: FormatWithChecksums,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(MLNetInternals).Assembly.GetName().Name);

    /// <summary>Writes <paramref name="model"/> into ML.NET's model context (called by <c>ICanSaveModel.Save</c>).</summary>
    internal static void Save(ModelSaveContext context, NasModelPayload model)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CheckAtModel();
        context.SetVersionInfo(GetVersionInfo());
        var weights = model.SerializeWeights();
        model.WriteHeader(context.Writer, weights);
        context.SaveBinaryStream(WeightsStreamName, writer => NasModelPayload.WriteWeights(writer.BaseStream, weights));
    }

    /// <summary>ML.NET's loader entry point (found through the LoadableClass attribute above).</summary>
    private static NasTransformer Create(IHostEnvironment environment, ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(context);
        context.CheckAtModel(GetVersionInfo());
        var payload = NasModelPayload.ReadHeader(context.Reader, withChecksums: context.Header.ModelVerWritten >= FormatWithChecksums);
        bool found = context.TryLoadBinaryStream(WeightsStreamName, reader => payload.ReadWeights(reader.BaseStream));
        if (!found)
        {
            throw new InvalidDataException($"The saved NAS model has no '{WeightsStreamName}' entry: the file is incomplete or was not written by this library.");
        }
        return new NasTransformer(environment, payload);
    }

    /// <summary>Whether ML.NET's execution was cancelled (<c>MLContext.CancelExecution</c>).</summary>
    internal static bool IsCanceled(IHostEnvironment environment) => environment is ICancelable { IsCanceled: true };

    /// <summary>Throws <see cref="OperationCanceledException"/> when ML.NET's execution was cancelled (<c>MLContext.CancelExecution</c>).</summary>
    internal static void ThrowIfCanceled(IHostEnvironment environment)
    {
        if (IsCanceled(environment))
        {
            throw new OperationCanceledException("The NAS operation was cancelled through MLContext.CancelExecution().");
        }
    }

    /// <summary>
    /// The device option a NAS model runs on, for <see cref="Runtime.DeviceSelection.Resolve"/>: <paramref name="option"/>
    /// when it names one; for <c>auto</c> (or null), the GPU that <c>MLContext.GpuDeviceId</c> names (or <c>cpu</c> when
    /// <c>FallbackToCpu</c> is set and CUDA is missing), else <c>auto</c>.
    /// </summary>
    internal static string DeviceOption(IHostEnvironment environment, string? option)
    {
        string value = (option ?? Runtime.DeviceSelection.Auto).Trim();
        if (!string.Equals(value, Runtime.DeviceSelection.Auto, StringComparison.OrdinalIgnoreCase) && value.Length > 0)
        {
            return value;
        }
        if (environment is IHostEnvironmentInternal { GpuDeviceId: int gpu } settings)
        {
            Runtime.TorchRuntime.EnsureAvailable();
            return !TorchSharp.torch.cuda.is_available() && settings.FallbackToCpu ? "cpu" : $"cuda:{gpu}";
        }
        return Runtime.DeviceSelection.Auto;
    }

    /// <summary>The MLContext's seed, when it was given one.</summary>
    internal static int? Seed(IHostEnvironment environment) => (environment as IHostEnvironmentInternal)?.Seed;

    /// <summary>The column shape of an output column, as ML.NET's estimators describe their outputs.</summary>
    internal static SchemaShape.Column OutputColumn(string name, DataViewType itemType, bool isVector, SchemaShape? annotations, bool isKey = false) =>
        new(name, isVector ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.Scalar, itemType,
            isKey, annotations);
}
