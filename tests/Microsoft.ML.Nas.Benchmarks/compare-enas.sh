#!/usr/bin/env bash
# ENAS benchmark, C# (TorchSharp) and PyTorch side by side: for each configuration, processes alternate (C# with the
# default memory release, C# with --keep-freed, then PyTorch; one process each, so each peak-memory figure is that
# configuration's alone) for the given rounds, and the medians of each side's results are printed with the ratios to
# PyTorch. The issue's PyTorch figures are in
# EnasBenchmarkConfig.cs; the C# RESULT lines also give the ratios to them.
#   tests/Microsoft.ML.Nas.Benchmarks/compare-enas.sh [rounds=3] [threads=2] [steps=200] [configs="macro-cifar micro-cifar macro-mnist micro-mnist"]
# Needs Debian's python3-torch for the PyTorch side (apt-get install python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"; threads="${2:-2}"; steps="${3:-200}"; configs="${4:-macro-cifar micro-cifar macro-mnist micro-mnist}"
source tests/Microsoft.ML.Nas.Benchmarks/compare-setup.sh
for config in $configs; do
  for ((r = 1; r <= rounds; r++)); do
    dotnet "$csharp" enas --config "$config" --threads "$threads" --steps "$steps" | grep '^RESULT' >> "$results"
    dotnet "$csharp" enas --config "$config" --threads "$threads" --steps "$steps" --keep-freed \
      | grep '^RESULT' | sed 's/^RESULT csharp/RESULT csharp-keep-freed/' >> "$results"
    (cd tests/Microsoft.ML.Nas.Benchmarks/pytorch && /usr/bin/python3 enas.py --config "$config" --threads "$threads" --steps "$steps") | grep '^RESULT' >> "$results"
  done
done
echo "ENAS step medians, $threads threads, alternating processes (median over $rounds rounds)"
awk -v baseline=pytorch -f tests/Microsoft.ML.Nas.Benchmarks/results-table.awk "$results"
