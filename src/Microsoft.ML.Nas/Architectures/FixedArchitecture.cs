using Microsoft.ML.Nas.Runtime;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Spaces;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>
/// Fixes every decision of a model to an architecture and prunes what was not chosen (NNI's <c>apply_fixed_architecture</c>).
/// </summary>
/// <remarks>
/// A LayerChoice keeps only its chosen candidates (the others are unregistered and disposed, so the state dict
/// shrinks). With exactly one chosen it stands in for that candidate: the candidate's parameters lose the candidate level
/// of their path (<c>cell.op.conv5x5.weight</c> becomes <c>cell.op.weight</c>). An InputChoice becomes a fixed
/// selection. The model then runs without a mutator.
/// </remarks>
public static class FixedArchitecture
{
    /// <summary>Fixes <paramref name="model"/> to <paramref name="architecture"/> and prunes it.</summary>
    /// <param name="model">A fresh model (a supernet whose mutables are not fixed yet).</param>
    /// <param name="architecture">One decision per key of the model's search space.</param>
    /// <param name="inheritFrom">
    /// Optionally, a trained supernet of the same model class: after pruning, the model's parameters and buffers are
    /// copied from it, mapping each pruned path to the supernet's (nni#1948).
    /// </param>
    /// <returns>The architecture as applied, in the form an export writes.</returns>
    /// <exception cref="ArchitectureException">Keys differ from the model's, or a choice is invalid; the message names the key.</exception>
    public static Architecture Apply(nn.Module model, Architecture architecture, nn.Module? inheritFrom = null)
        => Apply(model, architecture, inheritFrom, file: null);

    /// <summary>Reads an architecture JSON file, fixes <paramref name="model"/> to it and prunes it.</summary>
    /// <param name="model">A fresh model (a supernet whose mutables are not fixed yet).</param>
    /// <param name="path">The architecture file (NNI's format).</param>
    /// <param name="inheritFrom">Optionally, a trained supernet to copy weights from (see the other overload).</param>
    /// <returns>The architecture as applied, in the form an export writes.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist; the message names it.</exception>
    /// <exception cref="ArchitectureException">The file is invalid for the model; the message names the file and key.</exception>
    public static Architecture Apply(nn.Module model, string path, nn.Module? inheritFrom = null)
        => Apply(model, Architecture.Load(path), inheritFrom, path);

    /// <summary>
    /// Builds a fresh network of <paramref name="spec"/> for the data's <paramref name="context"/> and fixes it to
    /// <paramref name="architecture"/>: the one way a fixed network is made, for final training and for loading a saved
    /// model. Its initial weights come from torch's generator: seed it first for reproducible ones.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The spec's kind is not registered; the message names it.</exception>
    /// <exception cref="ArchitectureException">The architecture does not fit the space's keys; the message names the key.</exception>
    public static nn.Module<Tensor, Tensor> Build(SearchSpaceSpec spec, SpaceContext context, Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        TorchRuntime.EnsureAvailable();
        var model = SearchSpaceRegistry.Build(spec, context);
        try
        {
            Apply(model, architecture);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static Architecture Apply(nn.Module model, Architecture architecture, nn.Module? inheritFrom, string? file)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(architecture);
        TorchRuntime.EnsureAvailable();
        var space = ModelSearchSpace.Of(model);
        var selections = ArchitectureResolver.Resolve(architecture, space, file);
        if (ReferenceEquals(model, inheritFrom))
        {
            throw new ArgumentException("The model to prune and the supernet to inherit weights from must be different instances.", nameof(inheritFrom));
        }
        // Plan the weight copy before touching anything, so a supernet that does not match leaves the model as it was.
        var choices = new List<WeightInheritance.Choice>();
        foreach (var (key, selection) in selections)
        {
            var decision = space[key];
            if (decision.Kind == MutableKind.LayerChoice)
            {
                var kept = selection.Chosen.Select(i => decision.CandidateNames[i]).ToHashSet(StringComparer.Ordinal);
                choices.AddRange(decision.Paths.Select(p => new WeightInheritance.Choice(p, kept, kept.Count == 1)));
            }
        }
        var plan = inheritFrom is null ? null : WeightInheritance.Plan(model, inheritFrom, choices);

        foreach (var (key, selection) in selections)
        {
            foreach (var mutable in space[key].Mutables)
            {
                switch (mutable)
                {
                    case LayerChoice layer:
                        layer.Fix(selection);
                        break;
                    case InputChoice input:
                        input.Fix(selection);
                        break;
                }
            }
        }
        if (plan is not null)
        {
            WeightInheritance.Copy(model, plan);
        }
        return new Architecture(selections.Select(s => KeyValuePair.Create(s.Key, ArchitectureResolver.ToChoice(space[s.Key], s.Value))));
    }
}
