using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Nas.Datasets;

// Usage: Microsoft.ML.Nas.ModelLoader <model.zip> <rows> <scores output file>
// Writes rows × classes little-endian floats: the Score column of the first <rows> test digits.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Microsoft.ML.Nas.ModelLoader <model.zip> <rows> <scores output file>");
    return 2;
}
var mlContext = new MLContext(seed: 0);
var model = mlContext.Model.Load(args[0], out _);
var digits = MnistDigits.Load();
var data = digits.ToDataView(mlContext, digits.TestIndices[..int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)]);
var scored = model.Transform(data);
using var output = new BinaryWriter(File.Create(args[2]));
foreach (var scores in scored.GetColumn<VBuffer<float>>("Score"))
{
    foreach (float value in scores.DenseValues())
    {
        output.Write(value);
    }
}
Console.WriteLine($"scored with {model.GetType().Name}");
return 0;
