using Microsoft.ML.Nas.MLNet.Fitting;
using Microsoft.ML.Nas.Spaces;
using Microsoft.ML.Nas.Strategies.FinalTraining;
using Microsoft.ML.Nas.Strategies;
using Microsoft.ML.Nas.Strategies.Darts;
using Microsoft.ML.Nas.Strategies.Enas;
using Microsoft.ML.Nas.Strategies.Gdas;
using Microsoft.ML.Nas.Strategies.PcDarts;
using Microsoft.ML.Nas.Strategies.Pdarts;
using Microsoft.ML.Nas.Strategies.Proxyless;
using Microsoft.ML.Nas.Strategies.Random;
using Microsoft.ML.Nas.Strategies.Spos;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Nas.MLNet;

/// <summary>The NAS estimators of an MLContext: <c>mlContext.Nas()</c>.</summary>
public sealed class NasCatalog
{
    internal NasCatalog(IHostEnvironment environment)
    {
        Environment = environment;
    }

    internal IHostEnvironment Environment { get; }

    /// <summary>
    /// Searches with ENAS (a controller samples architectures of a shared supernet) and trains the best found. Images
    /// with no <see cref="NasOptions.SearchSpace"/> search <c>SearchSpaces.EnasMacro(layers: 6, filters: 16)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or sets what Fit supplies; the message names its path (e.g. <c>Search.Epochs</c>).</exception>
    public NasEstimator Enas(EnasOptions options) =>
        OneShot(options, "ENAS", SearchSpaces.EnasMacro(layers: 6, filters: 16), search => new EnasStrategy(search));

    /// <summary>ENAS with default options on the named columns.</summary>
    public NasEstimator Enas(string labelColumnName = "Label", string featureColumnName = "Features", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel") =>
        Enas(new EnasOptions
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, ScoreColumnName = scoreColumnName,
            PredictedLabelColumnName = predictedLabelColumnName,
        });

    /// <summary>
    /// Searches with DARTS (softmax-relaxed choices learned by gradient) and trains the architecture found. Images with no
    /// <see cref="NasOptions.SearchSpace"/> search <c>SearchSpaces.DartsCells(channels: 8, layers: 3)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or sets what Fit supplies; the message names its path (e.g. <c>Search.Epochs</c>).</exception>
    public NasEstimator Darts(DartsOptions options) =>
        OneShot(options, "DARTS", SearchSpaces.DartsCells(channels: 8, layers: 3), search => new DartsStrategy(search));

    /// <summary>DARTS with default options on the named columns.</summary>
    public NasEstimator Darts(string labelColumnName = "Label", string featureColumnName = "Features", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel") =>
        Darts(new DartsOptions
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, ScoreColumnName = scoreColumnName,
            PredictedLabelColumnName = predictedLabelColumnName,
        });

    /// <summary>
    /// Searches at random (a supernet trained one uniformly drawn path per step; the best of several drawn architectures
    /// scored with its weights) and trains the architecture found: the baseline for the other strategies. Images with no
    /// <see cref="NasOptions.SearchSpace"/> search <c>SearchSpaces.EnasMacro(layers: 6, filters: 16)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or sets what Fit supplies; the message names its path (e.g. <c>Search.Epochs</c>).</exception>
    public NasEstimator Random(RandomOptions options) =>
        OneShot(options, "Random", SearchSpaces.EnasMacro(layers: 6, filters: 16), search => new RandomStrategy(search));

    /// <summary>
    /// Searches with SPOS (a supernet trained one uniformly drawn path per step, then an evolution over its
    /// architectures, each scored after re-estimating its batch-norm statistics) and trains the best found. Images with
    /// no <see cref="NasOptions.SearchSpace"/> search <c>SearchSpaces.EnasMacro(layers: 6, filters: 16)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or sets what Fit supplies; the message names its path (e.g. <c>Search.Generations</c>).</exception>
    public NasEstimator Spos(SposOptions options) =>
        OneShot(options, "SPOS", SearchSpaces.EnasMacro(layers: 6, filters: 16), search => new SposStrategy(search));

    /// <summary>
    /// Searches with ProxylessNAS (binary gates: one drawn path per weight step, two per architecture step) and trains the
    /// architecture found. It searches LayerChoices only, as NNI v1.9: with no <see cref="NasOptions.SearchSpace"/> it
    /// searches the <c>mlp</c> space, for images too (flattened).
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or sets what Fit supplies; the message names its path.</exception>
    public NasEstimator Proxyless(ProxylessOptions options) =>
        OneShot(options, "ProxylessNAS", SearchSpaces.Mlp(), search => new ProxylessStrategy(search));

    /// <summary>
    /// Searches with GDAS (one Gumbel-sampled candidate per edge per step, its alphas learned through the sample) and
    /// trains the architecture found. Images with no <see cref="NasOptions.SearchSpace"/> search
    /// <c>SearchSpaces.DartsCells(channels: 8, layers: 3)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or sets what Fit supplies; the message names its path (e.g. <c>Search.InitialTemperature</c>).</exception>
    public NasEstimator Gdas(GdasOptions options) =>
        OneShot(options, "GDAS", SearchSpaces.DartsCells(channels: 8, layers: 3), search => new GdasStrategy(search));

    /// <summary>
    /// Searches with PC-DARTS (DARTS whose edges see 1/K of the channels, with βs weighting each node's edges) and
    /// trains the architecture found, on all channels. The space must be <c>SearchSpaces.DartsCells</c>, the default for
    /// images (<c>channels: 8, layers: 3</c>); its channels a multiple of K.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or sets what Fit supplies; the message names its path (e.g. <c>Search.PartialChannels</c>).</exception>
    public NasEstimator PcDarts(PcDartsOptions options) =>
        OneShot(options, "PC-DARTS", SearchSpaces.DartsCells(channels: 8, layers: 3), search => new PcDartsStrategy(search),
            spec => PcDartsStrategy.SearchSpace(spec, options.Search.PartialChannels));

    /// <summary>
    /// Searches with P-DARTS (DARTS in stages of growing depth, each dropping the weakest ops of every edge, with dropout
    /// on skip connections and at most 2 of them per normal cell at export) and trains the architecture found. The
    /// space must be <c>SearchSpaces.DartsCells</c>, the default for images (<c>channels: 8, layers: 3</c>; the default
    /// stages search 3, 7 and 10 cells).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An option is out of range or sets what Fit supplies (the message names its path, e.g. <c>Search.Stages[1].OpsToDrop</c>),
    /// or <see cref="NasOptions.SearchSpace"/> is a space whose depth P-DARTS cannot grow.
    /// </exception>
    public NasEstimator Pdarts(PdartsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SearchSpace is { } space)
        {
            PdartsSearch.CheckSpace(space);
        }
        return new NasEstimator(Environment, options, new PdartsSearch(options));
    }

    /// <summary>
    /// Trains a given architecture of a space without searching (e.g. one exported by an earlier search), and serves it
    /// like a searched one.
    /// </summary>
    /// <exception cref="ArgumentException">The options name no space or no architecture, or an option is out of range (named by its path).</exception>
    public NasEstimator FixedArchitecture(FixedArchitectureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new NasEstimator(Environment, options, new GivenArchitecture(options));
    }

    /// <summary>
    /// The estimator of a one-shot strategy: its name (for logs), the space it searches for images when the options
    /// name none, and how its strategy is made from its <c>Search</c> options. A new strategy adds a method that calls this.
    /// A strategy whose supernet differs from the network it retrains (PC-DARTS's partial channels) gives
    /// <paramref name="searchSpace"/>: the search supernet's spec from the space's.
    /// </summary>
    private NasEstimator OneShot<TSearch>(NasOptions<TSearch> options, string name, SearchSpaceSpec defaultImageSpace,
        Func<TSearch, IOneShotStrategy> createStrategy, Func<SearchSpaceSpec, SearchSpaceSpec>? searchSpace = null)
        where TSearch : OneShotTrainerOptions, new()
    {
        ArgumentNullException.ThrowIfNull(options);
        return new NasEstimator(Environment, options, new OneShotSearch<TSearch>(name, defaultImageSpace, options, createStrategy, searchSpace));
    }
}
