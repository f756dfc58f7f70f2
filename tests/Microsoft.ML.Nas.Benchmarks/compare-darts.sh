#!/usr/bin/env bash
# DARTS step benchmark, C# (TorchSharp) and PyTorch side by side: for each configuration, processes alternate round by
# round (C# with the default memory release, C# with --keep-freed, then PyTorch's pytorch/darts_step.py), one process
# each so that each peak-memory figure is that configuration's alone. Prints each side's medians and their ratios to PyTorch. The issue's PyTorch figures are in
# DartsStepBenchmark.cs; the C# RESULT lines also give the ratios to them.
#   tests/Microsoft.ML.Nas.Benchmarks/compare-darts.sh [rounds=3] [threads=2] [steps=6] [configs="mnist-first cifar-first mnist-second cifar-second"]
# Needs Debian's python3-torch for the PyTorch side (apt-get install python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"; threads="${2:-2}"; steps="${3:-6}"; configs="${4:-mnist-first cifar-first mnist-second cifar-second}"
source tests/Microsoft.ML.Nas.Benchmarks/compare-setup.sh
for config in $configs; do
  for ((r = 1; r <= rounds; r++)); do
    dotnet "$csharp" darts --config "$config" --threads "$threads" --warmup 1 --steps "$steps" | grep '^RESULT' >> "$results"
    dotnet "$csharp" darts --config "$config" --threads "$threads" --warmup 1 --steps "$steps" --keep-freed \
      | grep '^RESULT' | sed 's/^RESULT csharp/RESULT csharp-keep-freed/' >> "$results"
    (cd tests/Microsoft.ML.Nas.Benchmarks/pytorch && /usr/bin/python3 darts_step.py --config "$config" --threads "$threads" --warmup 1 --steps "$steps") \
      | grep '^RESULT' | sed 's/^RESULT pytorch [^ ]*/RESULT pytorch/' >> "$results"
  done
done
echo "DARTS step medians, $threads threads, alternating processes (median over $rounds rounds of $steps steps)"
awk -v baseline=pytorch -f tests/Microsoft.ML.Nas.Benchmarks/results-table.awk "$results"
