using TorchSharp;

namespace Microsoft.ML.Nas.Runtime;

/// <summary>
/// Scalars that every forward pass needs, made once. TorchSharp turns each number passed where a <see cref="Scalar"/>
/// is expected (and the implicit alpha of <c>a + b</c>) into a native object that only its finalizer frees; made per
/// call, thousands of them per step would sit in the C heap between activations (see <see cref="DroppedTorchObjects"/>).
/// </summary>
internal static class SharedScalars
{
    /// <summary>1, the alpha of a plain sum.</summary>
    internal static Scalar One { get; } = 1.ToScalar();
}
