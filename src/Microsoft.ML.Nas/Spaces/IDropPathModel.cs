namespace Microsoft.ML.Nas.Spaces;

/// <summary>A network whose paths can be dropped in training (DARTS retraining raises p linearly over the epochs).</summary>
public interface IDropPathModel
{
    /// <summary>The probability of dropping a path in training; 0 turns drop-path off.</summary>
    double DropPathProbability { get; set; }
}
