using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Nas.Datasets;
using Microsoft.ML.Nas.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace QuickStart;

/// <summary>Scores the test digits with the exported ONNX file in ONNX Runtime, as an application without TorchSharp would.</summary>
internal static class OnnxScoring
{
    public static double Accuracy(string path, MnistDigits digits)
    {
        using var session = new InferenceSession(path);
        // Output index i is the label's key value i (MapValueToKey's order), written in the file's metadata.
        var labels = JsonSerializer.Deserialize<string[]>(session.ModelMetadata.CustomMetadataMap[OnnxExport.LabelsMetadataKey])!;
        var indices = digits.TestIndices;
        var features = new DenseTensor<float>(digits.GetFeatures(indices), [indices.Length, MnistDigits.PixelsPerImage]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, features)]);
        var predicted = results.First(r => r.Name == OnnxExport.PredictedIndexOutputName).AsTensor<long>().ToArray();
        var truth = digits.GetLabels(indices);
        int correct = predicted.Where((p, i) => labels[p] == truth[i].ToString(CultureInfo.InvariantCulture)).Count();
        return correct / (double)indices.Length;
    }
}
