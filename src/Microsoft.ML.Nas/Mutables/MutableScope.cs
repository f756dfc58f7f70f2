using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Mutables;

/// <summary>
/// A tensor-to-tensor <see cref="MutableScope{TInput, TOutput}"/>: derive from it and override
/// <see cref="ForwardScope"/>, or wrap an existing block with <see cref="MutableScope(string, nn.Module{Tensor, Tensor})"/>.
/// </summary>
public class MutableScope : MutableScope<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor>? body;

    /// <summary>A scope whose computation a derived class gives in <see cref="ForwardScope"/>.</summary>
    protected MutableScope(string key)
        : base(key)
    {
    }

    /// <summary>A scope around <paramref name="body"/>, registered as its child <c>body</c>.</summary>
    public MutableScope(string key, nn.Module<Tensor, Tensor> body)
        : base(key)
    {
        ArgumentNullException.ThrowIfNull(body);
        this.body = body;
        register_module("body", body);
    }

    /// <inheritdoc/>
    protected override Tensor ForwardScope(Tensor input)
        => body?.call(input) ?? throw new InvalidOperationException($"MutableScope '{Key}' has no body: override ForwardScope or pass a body.");
}
