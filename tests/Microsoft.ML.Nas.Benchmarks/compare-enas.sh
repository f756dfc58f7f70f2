#!/usr/bin/env bash
# ENAS benchmark, C# (TorchSharp) and PyTorch side by side: for each configuration, processes alternate (C# then
# PyTorch, one process each, so each peak-memory figure is that configuration's alone) for the given rounds, and the
# medians of each side's results are printed with the C#/PyTorch ratios. The issue's PyTorch figures are in
# EnasBenchmarkConfig.cs; the C# RESULT lines also give the ratios to them.
#   tests/Microsoft.ML.Nas.Benchmarks/compare-enas.sh [rounds=3] [threads=2] [steps=200] [configs="macro-cifar micro-cifar macro-mnist micro-mnist"]
# Needs Debian's python3-torch for the PyTorch side (apt-get install python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"; threads="${2:-2}"; steps="${3:-200}"; configs="${4:-macro-cifar micro-cifar macro-mnist micro-mnist}"
./scripts/install-prerequisites.sh >/dev/null
dotnet build -c Release tests/Microsoft.ML.Nas.Benchmarks -v quiet -nologo >/dev/null
csharp=tests/Microsoft.ML.Nas.Benchmarks/bin/Release/net10.0/Microsoft.ML.Nas.Benchmarks.dll
results=$(mktemp)
for config in $configs; do
  for ((r = 1; r <= rounds; r++)); do
    dotnet "$csharp" enas --config "$config" --threads "$threads" --steps "$steps" | grep '^RESULT' >> "$results"
    (cd tests/Microsoft.ML.Nas.Benchmarks/pytorch && /usr/bin/python3 enas.py --config "$config" --threads "$threads" --steps "$steps") | grep '^RESULT' >> "$results"
  done
done
awk '
  function median(list, n,   sorted, i, j, t) {
    for (i = 1; i <= n; i++) sorted[i] = list[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (sorted[j] < sorted[i]) { t = sorted[i]; sorted[i] = sorted[j]; sorted[j] = t }
    return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
  }
  {
    side = $2; split($3, c, "="); config = c[2]
    if (!(config in seen)) { seen[config] = 1; order[++configs] = config }
    for (f = 4; f <= NF; f++) { split($f, kv, "="); key = side SUBSEP config SUBSEP kv[1]; values[key, ++count[key]] = kv[2] }
  }
  END {
    printf "ENAS step medians, %d threads, alternating processes (median over rounds)\n", '"$threads"'
    printf "%-12s %-14s %10s %10s %8s\n", "config", "", "C#", "PyTorch", "ratio"
    for (i = 1; i <= configs; i++) {
      config = order[i]
      for (k = 0; k < 3; k++) {
        name = k == 0 ? "child_ms" : k == 1 ? "controller_ms" : "peak_rss_mib"
        for (s = 0; s < 2; s++) {
          side = s ? "pytorch" : "csharp"; key = side SUBSEP config SUBSEP name
          for (j = 1; j <= count[key]; j++) column[j] = values[key, j]
          med[s] = median(column, count[key])
        }
        printf "%-12s %-14s %10.1f %10.1f %8.2f\n", config, name, med[0], med[1], med[0] / med[1]
      }
    }
  }' "$results"
rm -f "$results"
