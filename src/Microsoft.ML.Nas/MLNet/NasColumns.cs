namespace Microsoft.ML.Nas.MLNet;

/// <summary>The columns a NAS model reads and writes.</summary>
/// <param name="Features">The input: a known-size vector of Single.</param>
/// <param name="Label">The label the model was trained on (a key type); not read when scoring.</param>
/// <param name="Score">The output: a vector of Single, one probability per class.</param>
/// <param name="PredictedLabel">The output: the most probable class, as a key of the label's type.</param>
internal sealed record NasColumns(string Features, string Label, string Score, string PredictedLabel)
{
    public void Write(BinaryWriter writer)
    {
        writer.Write(Features);
        writer.Write(Label);
        writer.Write(Score);
        writer.Write(PredictedLabel);
    }

    public static NasColumns Read(BinaryReader reader) =>
        new(reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString());
}
