using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// Whoever decides a model's choices while it searches: the mutator bound to it. Mutables call through this interface
/// so that they need not know the mutators, which are built on top of them.
/// </summary>
internal interface IChoiceDecider
{
    /// <summary>Runs a LayerChoice under the current decision.</summary>
    ChoiceOutput ForwardLayerChoice(LayerChoice choice, Tensor input);

    /// <summary>Selects among an InputChoice's inputs under the current decision.</summary>
    ChoiceOutput ForwardInputChoice(InputChoice choice, IReadOnlyList<Tensor?> inputs);

    /// <summary>A forward enters a mutable scope.</summary>
    void EnterScope(IMutable scope);

    /// <summary>A forward leaves a mutable scope.</summary>
    void ExitScope(IMutable scope);
}
