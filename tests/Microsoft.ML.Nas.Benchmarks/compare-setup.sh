# Sourced by the compare-*.sh scripts from the repository root: the native prerequisite, a Release build of the
# benchmarks, the C# benchmark's path ($csharp) and a file collecting RESULT lines ($results, removed on exit).
./scripts/install-prerequisites.sh >/dev/null
dotnet build -c Release tests/Microsoft.ML.Nas.Benchmarks -v quiet -nologo >/dev/null
csharp=tests/Microsoft.ML.Nas.Benchmarks/bin/Release/net10.0/Microsoft.ML.Nas.Benchmarks.dll
results=$(mktemp)
trap 'rm -f "$results"' EXIT
