namespace Microsoft.ML.Nas.DeviceCheck;

/// <summary>A check that did not pass; its message is the one-line reason the program exits with.</summary>
internal sealed class DeviceCheckFailure(string reason) : Exception(reason);
