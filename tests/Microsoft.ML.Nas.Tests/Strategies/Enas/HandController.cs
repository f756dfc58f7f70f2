using Microsoft.ML.Nas.Strategies.Enas;
using static TorchSharp.torch;

namespace Microsoft.ML.Nas.Tests.Strategies.Enas;

/// <summary>
/// The ENAS controller's arithmetic written out in doubles from the controller's weights (one LSTM layer, gate order
/// i, f, g, o): the reference that the tensor implementation is checked against.
/// </summary>
internal sealed class HandController
{
    private readonly int size;
    private readonly double[,] weightIh;
    private readonly double[,] weightHh;
    private readonly double[,] head;
    private readonly double[,] embedding;
    private readonly double[,] anchorWeight;
    private readonly double[,] queryWeight;
    private readonly double[,] scoreWeight;

    public HandController(EnasController controller)
    {
        var parameters = controller.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        size = controller.LstmSize;
        weightIh = Matrix(parameters["lstm.0.weight_ih"]);
        weightHh = Matrix(parameters["lstm.0.weight_hh"]);
        head = Matrix(parameters["choiceHead.weight"]);
        embedding = Matrix(parameters["choiceEmbedding.weight"]);
        anchorWeight = Matrix(parameters["attentionAnchor.weight"]);
        queryWeight = Matrix(parameters["attentionQuery.weight"]);
        scoreWeight = Matrix(parameters["attentionScore.weight"]);
        Input = Row(Matrix(parameters["startInput"]), 0);
        Hidden = new double[size];
        Cell = new double[size];
    }

    public double[] Input { get; set; }

    public double[] Hidden { get; private set; }

    public double[] Cell { get; private set; }

    public void Step()
    {
        var gates = Add(Multiply(weightIh, Input), Multiply(weightHh, Hidden));
        var nextCell = new double[size];
        var nextHidden = new double[size];
        for (int j = 0; j < size; j++)
        {
            double input = Sigmoid(gates[j]), forget = Sigmoid(gates[size + j]), candidate = Math.Tanh(gates[2 * size + j]), output = Sigmoid(gates[3 * size + j]);
            nextCell[j] = forget * Cell[j] + input * candidate;
            nextHidden[j] = output * Math.Tanh(nextCell[j]);
        }
        (Hidden, Cell) = (nextHidden, nextCell);
    }

    /// <summary>log-softmax of the LayerChoice logits after tanh (and a bias).</summary>
    public double[] ChoiceLogProbabilities(double tanhConstant, double[]? bias = null)
    {
        var logits = Multiply(head, Hidden).Select(l => tanhConstant * Math.Tanh(l)).ToArray();
        if (bias is not null)
        {
            logits = Add(logits, bias);
        }
        return LogSoftmax(logits);
    }

    public double[] Embedding(int index) => Row(embedding, index);

    /// <summary>The attention score of each anchor for the current hidden state, after tanh.</summary>
    public double[] Scores(IReadOnlyList<double[]> anchors, double tanhConstant)
    {
        var query = Multiply(queryWeight, Hidden);
        return anchors.Select(anchor =>
        {
            var attended = Add(Multiply(anchorWeight, anchor), query).Select(Math.Tanh).ToArray();
            return tanhConstant * Math.Tanh(Multiply(scoreWeight, attended)[0]);
        }).ToArray();
    }

    public static double[] LogSoftmax(double[] logits)
    {
        double max = logits.Max();
        double logSum = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        return logits.Select(l => l - logSum).ToArray();
    }

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double[,] Matrix(Tensor parameter)
    {
        var values = parameter.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        int rows = (int)parameter.shape[0], columns = (int)parameter.shape[1];
        var matrix = new double[rows, columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                matrix[r, c] = values[r * columns + c];
            }
        }
        return matrix;
    }

    private static double[] Row(double[,] matrix, int row) => Enumerable.Range(0, matrix.GetLength(1)).Select(c => matrix[row, c]).ToArray();

    private static double[] Multiply(double[,] matrix, double[] vector)
    {
        var result = new double[matrix.GetLength(0)];
        for (int r = 0; r < result.Length; r++)
        {
            for (int c = 0; c < vector.Length; c++)
            {
                result[r] += matrix[r, c] * vector[c];
            }
        }
        return result;
    }

    private static double[] Add(double[] left, double[] right) => left.Select((l, i) => l + right[i]).ToArray();
}
