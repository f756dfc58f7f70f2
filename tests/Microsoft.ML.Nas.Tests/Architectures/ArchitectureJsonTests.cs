using Microsoft.ML.Nas.Architectures;
using Microsoft.ML.Nas.Mutators;
using Microsoft.ML.Nas.Tests.Mutables;

namespace Microsoft.ML.Nas.Tests.Architectures;

[TestClass]
public sealed class ArchitectureJsonTests
{
    [TestMethod]
    public void All_five_forms_of_the_reference_example_are_read()
    {
        var architecture = Architecture.FromJson(ExampleNet.Example);
        Assert.AreEqual(ArchitectureChoice.Name("conv5x5"), architecture["LayerChoice1"]);
        Assert.AreEqual(ArchitectureChoice.Index(6), architecture["LayerChoice2"]);
        Assert.AreEqual(ArchitectureChoice.OfNames("layer1", "layer3"), architecture["InputChoice3"]);
        Assert.AreEqual(ArchitectureChoice.OfIndices(1, 2), architecture["InputChoice4"]);
        Assert.AreEqual(ArchitectureChoice.OfMask(false, true, false, false, true), architecture["InputChoice5"]);

        using var model = ExampleNet.Create();
        var applied = FixedArchitecture.Apply(model, architecture);
        Assert.AreEqual(ArchitectureChoice.OfIndices(1, 4), applied["InputChoice5"]);
    }

    [TestMethod]
    public void Writing_uses_unique_names_else_indices_scalars_for_one_and_sorted_indented_keys()
    {
        using var model = ExampleNet.Create();
        var applied = FixedArchitecture.Apply(model, Architecture.FromJson(ExampleNet.Example));
        Assert.AreEqual("""
            {
              "InputChoice3": [
                "layer1",
                "layer3"
              ],
              "InputChoice4": [
                1,
                2
              ],
              "InputChoice5": [
                1,
                4
              ],
              "LayerChoice1": "conv5x5",
              "LayerChoice2": 6
            }
            """, applied.ToJson());
        var written = new Architecture([KeyValuePair.Create("b", ArchitectureChoice.Empty), KeyValuePair.Create("a", ArchitectureChoice.OfWeights(1f, 0.25f))]);
        Assert.AreEqual("{\n  \"a\": [\n    1.0,\n    0.25\n  ],\n  \"b\": []\n}", written.ToJson().ReplaceLineEndings("\n"));
        Assert.AreEqual(written.ToJson(), Architecture.FromJson(written.ToJson()).ToJson());
    }

    [TestMethod]
    public void Export_then_apply_then_export_gives_identical_json()
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            using var supernet = new TinyNet();
            using var mutator = new RandomMutator(supernet, seed);
            var exported = mutator.Export().ToJson();
            var path = Path.Combine(Path.GetTempPath(), $"nas-arch-{Guid.NewGuid():N}.json");
            try
            {
                Architecture.FromJson(exported).Save(path);
                using var fresh = new TinyNet();
                Assert.AreEqual(exported, FixedArchitecture.Apply(fresh, path).ToJson());
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [TestMethod]
    public void Key_sets_are_checked_both_ways()
    {
        using var model = new TinyNet();
        var error = Assert.ThrowsExactly<ArchitectureException>(() => FixedArchitecture.Apply(model,
            Architecture.FromJson("""{"LayerChoice1": 0, "InputChoice2": [], "LayerChoice3": 1, "LayerChoice9": 0}""")));
        StringAssert.StartsWith(error.Message, "Unexpected keys found in fixed architecture: {LayerChoice9}");
        Assert.AreEqual("LayerChoice9", error.Key);
        error = Assert.ThrowsExactly<ArchitectureException>(() => FixedArchitecture.Apply(model, Architecture.FromJson("""{"LayerChoice1": 0}""")));
        Assert.AreEqual("Missing keys in fixed architecture: {InputChoice2, LayerChoice3}.", error.Message);
    }

    [TestMethod]
    public void A_bad_choice_names_the_key_and_the_valid_candidates()
    {
        using var model = new TinyNet();
        string Fails(string first) => Assert.ThrowsExactly<ArchitectureException>(() => FixedArchitecture.Apply(model,
            Architecture.FromJson($$"""{"LayerChoice1": {{first}}, "InputChoice2": [], "LayerChoice3": 1}"""))).Message;

        Assert.AreEqual("Key 'LayerChoice1': 'conv7x7' is not a candidate; valid candidates: small, big, pool (or indices 0..2).", Fails("\"conv7x7\""));
        Assert.AreEqual("Key 'LayerChoice1': index 3 is out of range; valid candidates: small, big, pool (or indices 0..2).", Fails("3"));
        Assert.AreEqual("Key 'LayerChoice1': index -1 is out of range; valid candidates: small, big, pool (or indices 0..2).", Fails("[-1]"));
        Assert.AreEqual("Key 'LayerChoice1': candidate 'big' is chosen twice.", Fails("""["big", "big"]"""));
        // NNI reads [true] as index 1; a bool list must be a full mask.
        Assert.AreEqual("Key 'LayerChoice1': a bool mask needs one entry per candidate (3: small, big, pool (or indices 0..2)), but has 1.", Fails("[true]"));
        Assert.AreEqual("Key 'LayerChoice1': a list of weights needs one entry per candidate (3: small, big, pool (or indices 0..2)), but has 2.", Fails("[0.5, 0.5]"));
        StringAssert.StartsWith(Fails("""[1, "big"]"""), "Key 'LayerChoice1': a list must hold only names, only indices, only bools or only weights");
        StringAssert.StartsWith(Fails("1.5"), "Key 'LayerChoice1': 1.5 is not a candidate index");
        StringAssert.StartsWith(Fails("null"), "Key 'LayerChoice1': expected a candidate name, an index, or a list");
    }

    [TestMethod]
    public void Malformed_json_and_missing_files_are_reported_with_the_file()
    {
        StringAssert.StartsWith(Assert.ThrowsExactly<ArchitectureException>(() => Architecture.FromJson("{\"a\": ")).Message, "The architecture is not valid JSON");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArchitectureException>(() => Architecture.FromJson("[1]")).Message, "An architecture must be a JSON object");

        using var model = new TinyNet();
        var missing = Path.Combine(Path.GetTempPath(), $"nas-missing-{Guid.NewGuid():N}.json");
        var notFound = Assert.ThrowsExactly<FileNotFoundException>(() => FixedArchitecture.Apply(model, missing));
        StringAssert.Contains(notFound.Message, missing);

        var bad = Path.Combine(Path.GetTempPath(), $"nas-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, """{"LayerChoice1": "nope", "InputChoice2": [], "LayerChoice3": 1}""");
        try
        {
            var error = Assert.ThrowsExactly<ArchitectureException>(() => FixedArchitecture.Apply(model, bad));
            StringAssert.StartsWith(error.Message, $"{bad}: Key 'LayerChoice1': 'nope' is not a candidate");
            Assert.AreEqual(bad, error.File);
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
