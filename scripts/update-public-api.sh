#!/usr/bin/env bash
# Brings src/Microsoft.ML.Nas/PublicAPI.Unshipped.txt up to date with the library's public surface after a deliberate
# API change: drops what is gone (RS0017, read from the build's output, since no code fix removes lines of that file)
# and adds what is new (RS0016, by its code fix). Review the file's diff like code.
set -euo pipefail
cd "$(dirname "$0")/.."
api=src/Microsoft.ML.Nas/PublicAPI.Unshipped.txt
stale=$( (dotnet build src/Microsoft.ML.Nas -c Release -nologo --no-incremental 2>&1 || true) |
  sed -nE "s/.*RS0017: Symbol '(.*)' is part of the declared API.*/\1/p" | sort -u)
if [[ -n "$stale" ]]; then
  grep -vxF -f <(printf '%s\n' "$stale") "$api" > "$api.tmp" || true
  mv "$api.tmp" "$api"
fi
# dotnet format loads the Debug configuration, whose build needs the publicizer built first.
dotnet build build/Publicizer -c Debug -nologo -v q >/dev/null
dotnet format analyzers src/Microsoft.ML.Nas/Microsoft.ML.Nas.csproj --diagnostics RS0016 --severity warn -v q
LC_ALL=C sort -o "$api" "$api"
