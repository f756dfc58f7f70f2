using Mono.Cecil;

// Usage: Publicizer <input assembly> <output assembly>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Publicizer <input assembly> <output assembly>");
    return 2;
}
string input = args[0], output = args[1];
if (!File.Exists(input))
{
    Console.Error.WriteLine($"Publicizer: the input assembly '{input}' does not exist.");
    return 1;
}
using (var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { ReadSymbols = false }))
{
    foreach (var type in assembly.MainModule.GetTypes())
    {
        AssemblyPublicizer.Publicize(type);
    }
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    // Written beside the target, then moved, so an interrupted build never leaves a half-written reference behind.
    string partial = output + ".tmp";
    assembly.Write(partial);
    File.Move(partial, output, overwrite: true);
}
Console.WriteLine($"Publicizer: wrote {output}");
return 0;
