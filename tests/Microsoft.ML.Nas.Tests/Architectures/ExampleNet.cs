using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Tests.Mutables;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Architectures;

/// <summary>
/// The search space of NNI's architecture-JSON example: scopes layer1..layer3, then LayerChoice1 (conv3x3 | conv5x5),
/// LayerChoice2 (7 candidates), InputChoice3 (from layer1..layer3), InputChoice4 (3 inputs), InputChoice5 (5 inputs).
/// </summary>
internal static class ExampleNet
{
    public const string Example = """
        {"LayerChoice1": "conv5x5", "LayerChoice2": 6, "InputChoice3": ["layer1", "layer3"],
         "InputChoice4": [1, 2], "InputChoice5": [false, true, false, false, true]}
        """;

    public static Bag Create() => new(
        new MutableScope("layer1", nn.Identity()),
        new MutableScope("layer2", nn.Identity()),
        new MutableScope("layer3", nn.Identity()),
        new LayerChoice(new Dictionary<string, nn.Module<Tensor, Tensor>> { ["conv3x3"] = nn.Linear(2, 2), ["conv5x5"] = nn.Linear(2, 2) }),
        new LayerChoice(Enumerable.Range(0, 7).Select(_ => (nn.Module<Tensor, Tensor>)nn.Identity())),
        new InputChoice(["layer1", "layer2", "layer3"]),
        new InputChoice(3),
        new InputChoice(5));
}
