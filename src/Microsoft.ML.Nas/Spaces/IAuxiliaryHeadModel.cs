using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Spaces;

/// <summary>
/// A network with an auxiliary classifier on an intermediate layer (DARTS and ENAS retraining weigh its loss by 0.4).
/// Trainers call <see cref="ForwardWithAuxiliary"/> in training mode; a plain <c>forward</c> returns the main logits only.
/// </summary>
public interface IAuxiliaryHeadModel
{
    /// <summary>Whether the auxiliary head exists in this instance (it can be switched off by the spec).</summary>
    bool HasAuxiliaryHead { get; }

    /// <summary>The main logits, and the auxiliary logits when in training mode and the head exists (else null).</summary>
    (Tensor Logits, Tensor? Auxiliary) ForwardWithAuxiliary(Tensor input);
}
