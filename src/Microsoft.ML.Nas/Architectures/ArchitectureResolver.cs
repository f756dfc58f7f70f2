using Microsoft.ML.Nas.Mutables;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Architectures;

/// <summary>Turns architecture choices into masks over a search space's candidates, and masks back into choices.</summary>
internal static class ArchitectureResolver
{
    /// <summary>Checks the key sets both ways and resolves every choice, in the search space's decision order.</summary>
    public static List<KeyValuePair<string, Selection>> Resolve(Architecture architecture, ModelSearchSpace space, string? file)
    {
        var unexpected = architecture.Keys.Where(k => !space.Contains(k)).ToList();
        if (unexpected.Count > 0)
        {
            throw new ArchitectureException(
                $"Unexpected keys found in fixed architecture: {{{string.Join(", ", unexpected)}}}. The search space's keys are: {string.Join(", ", space.Decisions.Select(d => d.Key))}.",
                unexpected[0], file);
        }
        var missing = space.Decisions.Select(d => d.Key).Where(k => !architecture.Choices.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new ArchitectureException($"Missing keys in fixed architecture: {{{string.Join(", ", missing)}}}.", missing[0], file);
        }
        return space.Decisions.Select(d => KeyValuePair.Create(d.Key, Resolve(d, architecture[d.Key], file))).ToList();
    }

    /// <summary>Resolves one choice and checks it against the decision: candidates exist, none twice, nChosen respected.</summary>
    public static Selection Resolve(DecisionInfo decision, ArchitectureChoice choice, string? file)
    {
        string hint = MaskHint(decision, choice);
        var selection = choice.Form switch
        {
            ChoiceForm.Mask => new Selection(CheckLength(decision, choice.Mask, "a bool mask", file).Select(m => m ? 1f : 0f).ToArray(), weighted: false),
            ChoiceForm.Weights => new Selection([.. CheckLength(decision, choice.Weights, "a list of weights", file)], weighted: true),
            ChoiceForm.Index or ChoiceForm.Indices =>
                Chosen(decision, choice.Indices.Select(i => (i, i.ToString(System.Globalization.CultureInfo.InvariantCulture))), hint, file),
            _ => Chosen(decision, choice.Names.Select(n => (IndexOf(decision, n, file), $"'{n}'")), hint, file),
        };
        int chosen = selection.Chosen.Length;
        if (decision.Kind == MutableKind.InputChoice && decision.NChosen is { } k && chosen != k)
        {
            // The model was built for exactly k inputs (a concatenation of k, say): any other number breaks it at run time.
            throw new ArchitectureException(
                $"InputChoice '{decision.Key}' chooses exactly {k} input{(k == 1 ? "" : "s")}, but {chosen} {(chosen == 1 ? "was" : "were")} chosen " +
                $"(decision: {choice}); candidates: {decision.DescribeCandidates()}.{hint}", decision.Key, file);
        }
        return selection;
    }

    /// <summary>Describes decisions as NNI exports them: names or indices, a scalar for one, [] for none; weights as weights.</summary>
    public static Architecture Describe(ModelSearchSpace space, Func<DecisionInfo, Tensor> mask)
        => new(space.Decisions.Select(d =>
        {
            var (values, weighted) = MaskedSelection.Read(mask(d), d.CandidateCount, d.Kind.ToString(), d.Key);
            return KeyValuePair.Create(d.Key, ToChoice(d, new Selection(values, weighted)));
        }));

    /// <summary>The architecture of bool masks by key (each legal for its decision), as an export writes it.</summary>
    public static Architecture FromMasks(ModelSearchSpace space, IReadOnlyDictionary<string, bool[]> chosen) =>
        new(space.Decisions.Select(d => KeyValuePair.Create(d.Key, ToChoice(d, new Selection(chosen[d.Key].Select(c => c ? 1f : 0f).ToArray(), weighted: false)))));

    /// <summary>The candidates an architecture runs, as a bool per candidate by key (checked against the space).</summary>
    public static Dictionary<string, bool[]> ToMasks(Architecture architecture, ModelSearchSpace space) =>
        Resolve(architecture, space, file: null).ToDictionary(p => p.Key, p => p.Value.Values.Select(v => v != 0f).ToArray(), StringComparer.Ordinal);

    public static ArchitectureChoice ToChoice(DecisionInfo decision, Selection selection)
    {
        if (selection.Weighted)
        {
            return ArchitectureChoice.OfWeights(selection.Values);
        }
        var chosen = selection.Chosen;
        if (decision.WritesNames)
        {
            var names = chosen.Select(i => decision.CandidateNames[i]).ToArray();
            return names.Length == 1 ? ArchitectureChoice.Name(names[0]) : ArchitectureChoice.OfNames(names);
        }
        return chosen.Length == 1 ? ArchitectureChoice.Index(chosen[0]) : ArchitectureChoice.OfIndices(chosen);
    }

    private static Selection Chosen(DecisionInfo decision, IEnumerable<(int Index, string Shown)> chosen, string hint, string? file)
    {
        var seen = new HashSet<int>();
        foreach (var (index, shown) in chosen)
        {
            if (index < 0 || index >= decision.CandidateCount)
            {
                throw new ArchitectureException(
                    $"Key '{decision.Key}': index {shown} is out of range; valid candidates: {decision.DescribeCandidates()}.{hint}", decision.Key, file);
            }
            if (!seen.Add(index))
            {
                throw new ArchitectureException($"Key '{decision.Key}': candidate {shown} is chosen twice.{hint}", decision.Key, file);
            }
        }
        return Selection.FromIndices(decision.CandidateCount, seen);
    }

    // [0, 1, 0] for three candidates reads as indices 0, 1 and 0 (as NNI reads it), though it was most likely meant as
    // a mask: the error says so, with the mask spelled out.
    private static string MaskHint(DecisionInfo decision, ArchitectureChoice choice)
    {
        var values = choice.Indices;
        if (choice.Form != ChoiceForm.Indices || values.Count != decision.CandidateCount || values.Any(v => v is not (0 or 1)) || !values.Contains(1))
        {
            return "";
        }
        return $" An integer list is read as indices; did you mean a bool mask? [{string.Join(", ", values.Select(v => v == 1 ? "true" : "false"))}]";
    }

    private static int IndexOf(DecisionInfo decision, string name, string? file)
    {
        var matches = Enumerable.Range(0, decision.CandidateCount)
            .Where(i => decision.CandidateNames[i].Length > 0 && string.Equals(decision.CandidateNames[i], name, StringComparison.Ordinal))
            .ToList();
        if (matches.Count == 1)
        {
            return matches[0];
        }
        var why = matches.Count == 0 ? "is not a candidate" : "names several candidates (use indices)";
        throw new ArchitectureException(
            $"Key '{decision.Key}': '{name}' {why}; valid candidates: {decision.DescribeCandidates()}.", decision.Key, file);
    }

    private static IReadOnlyList<T> CheckLength<T>(DecisionInfo decision, IReadOnlyList<T> entries, string what, string? file)
    {
        if (entries.Count != decision.CandidateCount)
        {
            throw new ArchitectureException(
                $"Key '{decision.Key}': {what} needs one entry per candidate ({decision.CandidateCount}: {decision.DescribeCandidates()}), but has {entries.Count}.",
                decision.Key, file);
        }
        return entries;
    }
}
