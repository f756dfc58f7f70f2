using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

// Usage: InternalsGuard <compiler arguments (.rsp)> <allow-list> <project that owns the list>
// Compiles the library's sources (as the .rsp gives them: against the real Microsoft.ML.Core) in memory and reports
// every compiler error outside the allow-listed files in MSBuild's error format, so the build names the file and line.
// Exit code: 0 clean, 1 a violation, 2 bad usage or inputs.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: InternalsGuard <compiler arguments .rsp> <allow-list> <project that owns the list>");
    return 2;
}
string responseFile = args[0], allowListFile = args[1], project = args[2];
const string ListName = "MLNetInternalsAllowed";
string listHint = $"the files listed as {ListName} in {Path.GetFileName(project)}";

var parsed = CSharpCommandLineParser.Default.Parse(["@" + responseFile], Path.GetDirectoryName(project)!, sdkDirectory: null);
var parseErrors = parsed.Errors.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
if (parseErrors.Count > 0)
{
    foreach (var error in parseErrors)
    {
        Console.WriteLine($"{responseFile}: error NASGUARD0: the library's compiler arguments could not be read: {error.GetMessage()}");
    }
    return 2;
}

// path -> as the list names it
var allowed = File.ReadAllLines(allowListFile).Where(l => l.Length > 0).Select(l => l.Split('\t'))
    .ToDictionary(p => Path.GetFullPath(p[0]), p => p.Length > 1 ? p[1] : p[0], StringComparer.Ordinal);

var trees = parsed.SourceFiles.Select(file =>
{
    using var stream = File.OpenRead(file.Path);
    return CSharpSyntaxTree.ParseText(SourceText.From(stream, parsed.Encoding, parsed.ChecksumAlgorithm), parsed.ParseOptions, file.Path);
}).ToList();
var references = parsed.MetadataReferences.Select(r => (MetadataReference)MetadataReference.CreateFromFile(r.Reference, r.Properties));
Compilation compilation = CSharpCompilation.Create(parsed.CompilationName, trees, references, parsed.CompilationOptions);

// Source generators (e.g. [GeneratedRegex]) complete partial members; without them those files would not compile.
// Analyzers are not run: only the compiler's own errors matter here.
var generators = new List<ISourceGenerator>();
foreach (var reference in parsed.ResolveAnalyzerReferences(new AnalyzerLoader()))
{
    try
    {
        generators.AddRange(reference.GetGenerators(LanguageNames.CSharp));
    }
    catch (Exception e) when (e is FileLoadException or BadImageFormatException or ReflectionTypeLoadException or TypeLoadException)
    {
        Console.WriteLine($"InternalsGuard: skipped the analyzer assembly {reference.Display} ({e.GetType().Name}: {e.Message})");
    }
}
if (generators.Count > 0)
{
    CSharpGeneratorDriver.Create(generators, parseOptions: (CSharpParseOptions)parsed.ParseOptions)
        .RunGeneratorsAndUpdateCompilation(compilation, out compilation, out var generatorDiagnostics);
    foreach (var diagnostic in generatorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning))
    {
        Console.WriteLine($"InternalsGuard: a source generator reported {diagnostic.Id}: {diagnostic.GetMessage()}");
    }
}

var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
var errorsByAllowedFile = allowed.Keys.ToDictionary(path => path, _ => 0, StringComparer.Ordinal);
int violations = 0;
foreach (var error in errors)
{
    var span = error.Location.GetMappedLineSpan();
    string? path = span.IsValid ? span.Path : null;
    if (path is not null && errorsByAllowedFile.TryGetValue(path, out int count))
    {
        errorsByAllowedFile[path] = count + 1;
        continue;
    }
    violations++;
    string where = path is null ? project : $"{path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
    Console.WriteLine($"{where}: error NASGUARD1: uses an ML.NET internal ({error.Id}: {error.GetMessage()}). Only {listHint} " +
        "may use ML.NET internals (they compile against a publicized Microsoft.ML.Core, every other file against the real " +
        "one): move the call into one of them, or list this file if it must use internals.");
}

var sources = parsed.SourceFiles.Select(f => Path.GetFullPath(f.Path)).ToHashSet(StringComparer.Ordinal);
foreach (var (path, listed) in allowed)
{
    if (!sources.Contains(path))
    {
        violations++;
        Console.WriteLine($"{project}: error NASGUARD2: '{listed}' is in the {ListName} list but is not a source of the library " +
            "(moved or renamed?): update the list to name the files that use ML.NET internals.");
    }
    else if (errorsByAllowedFile[path] == 0)
    {
        violations++;
        Console.WriteLine($"{project}: error NASGUARD3: '{listed}' is in the {ListName} list but uses no ML.NET internals: " +
            "remove it from the list, so that it stays as short as it can be.");
    }
}
if (violations > 0)
{
    return 1;
}

string uses = string.Join(", ", allowed.Values.Zip(allowed.Keys, (listed, path) => $"{listed} ({errorsByAllowedFile[path]})"));
Console.WriteLine($"InternalsGuard: {parsed.SourceFiles.Length} sources compile against the real Microsoft.ML.Core except the allow-listed {uses}.");
return 0;

/// <summary>Loads analyzer and generator assemblies into this process (their Roslyn dependency is this tool's own).</summary>
internal sealed class AnalyzerLoader : Microsoft.CodeAnalysis.IAnalyzerAssemblyLoader
{
    public void AddDependencyLocation(string fullPath)
    {
    }

    public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
}
