using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutables;
using Microsoft.ML.Nas.Tests.Mutables;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Architectures;

/// <summary>Apply refuses a choice that breaks an InputChoice's nChosen, and hints at a bool mask written as integers.</summary>
[TestClass]
public sealed class FixedArchitectureChecksTests
{
    private static Bag Space() => new(
        new MutableScope("a", nn.Identity()),
        new MutableScope("b", nn.Identity()),
        new LayerChoice([nn.Identity(), nn.Identity(), nn.Identity()], key: "op"),
        new InputChoice(["a", "b", "op"], nChosen: 2, key: "pick"),
        new InputChoice(2, nChosen: 1, key: "one"),
        new InputChoice(3, key: "any"));

    private static ArchitectureException Refused(string json)
    {
        using var model = Space();
        return Assert.ThrowsExactly<ArchitectureException>(() => FixedArchitecture.Apply(model, Architecture.FromJson(json)));
    }

    [TestMethod]
    [DataRow("\"a\"", "1 was chosen")]
    [DataRow("[\"a\", \"b\", \"op\"]", "3 were chosen")]
    [DataRow("[true, false, false]", "1 was chosen")]
    [DataRow("[2]", "1 was chosen")]
    [DataRow("[0.5, 0, 0]", "1 was chosen")]
    public void An_InputChoice_choosing_two_refuses_any_other_number_naming_the_key(string pick, string count)
    {
        var error = Refused($$"""{"op": 0, "pick": {{pick}}, "one": 1, "any": []}""");

        Assert.AreEqual("pick", error.Key);
        StringAssert.Contains(error.Message, "'pick' chooses exactly 2 inputs");
        StringAssert.Contains(error.Message, count);
    }

    [TestMethod]
    public void Exactly_nChosen_inputs_apply_and_any_subset_allows_none()
    {
        using var model = Space();

        var applied = FixedArchitecture.Apply(model, Architecture.FromJson("""{"op": 0, "pick": ["a", "op"], "one": [false, true], "any": []}"""));

        Assert.AreEqual(ArchitectureChoice.OfNames("a", "op"), applied["pick"]);
        Assert.AreEqual(ArchitectureChoice.Index(1), applied["one"]);
    }

    [TestMethod]
    public void An_integer_list_shaped_like_a_one_hot_mask_gets_a_bool_mask_hint()
    {
        var layer = Refused("""{"op": [0, 1, 0], "pick": ["a", "b"], "one": 1, "any": []}""");
        var input = Refused("""{"op": 0, "pick": ["a", "b"], "one": [1, 0], "any": []}""");

        Assert.AreEqual("op", layer.Key);
        StringAssert.Contains(layer.Message, "did you mean a bool mask");
        StringAssert.Contains(layer.Message, "[false, true, false]");
        Assert.AreEqual("one", input.Key);
        StringAssert.Contains(input.Message, "did you mean a bool mask");
        StringAssert.Contains(input.Message, "[true, false]");
    }
}
