namespace System.Runtime.CompilerServices;

/// <summary>
/// Tells the runtime to let this assembly use the internals of the named assembly. The runtime honours it though the
/// framework does not define it: each assembly that needs it declares its own (internal) copy.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The simple name of the assembly whose internals this assembly uses.</summary>
    public string AssemblyName { get; } = assemblyName;
}
