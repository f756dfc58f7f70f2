#!/usr/bin/env bash
# Brings src/Microsoft.ML.Nas/PublicAPI.Unshipped.txt up to date with the library's public surface after a deliberate
# API change: adds what is new (RS0016) and drops what is gone (RS0017). Review the file's diff like code.
set -euo pipefail
cd "$(dirname "$0")/../src/Microsoft.ML.Nas"
dotnet format analyzers Microsoft.ML.Nas.csproj --diagnostics RS0016 RS0017 --severity warn -v q
LC_ALL=C sort -o PublicAPI.Unshipped.txt PublicAPI.Unshipped.txt
