#!/usr/bin/env bash
# DARTS-family step benchmark, C# (TorchSharp) and PyTorch side by side: for each configuration and strategy, processes
# alternate round by round (C# with the default memory release, C# with --keep-freed, then PyTorch's pytorch/darts_step.py),
# one process each so that each peak-memory figure is that configuration's alone. Prints each side's medians and their
# ratios to PyTorch; with more than one strategy, a second table gives each strategy's medians against DARTS's on the
# same side (GDAS and PC-DARTS are first order: they skip the -second configurations). The issue's PyTorch figures are
# in DartsStepBenchmark.cs; the C# RESULT lines also give the ratios to them.
#   tests/Microsoft.ML.Nas.Benchmarks/compare-darts.sh [rounds=3] [threads=2] [steps=6] [configs="mnist-first cifar-first mnist-second cifar-second"]
#       [strategies="darts"]   (e.g. 3 2 6 "mnist-first cifar-first" "darts gdas pc-darts")
# Needs Debian's python3-torch for the PyTorch side (apt-get install python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"; threads="${2:-2}"; steps="${3:-6}"; configs="${4:-mnist-first cifar-first mnist-second cifar-second}"; strategies="${5:-darts}"
source tests/Microsoft.ML.Nas.Benchmarks/compare-setup.sh
for config in $configs; do
  for ((r = 1; r <= rounds; r++)); do
    for strategy in $strategies; do
      if [[ "$strategy" != darts && "$config" == *-second ]]; then continue; fi
      dotnet "$csharp" "$strategy" --config "$config" --threads "$threads" --warmup 1 --steps "$steps" | grep '^RESULT' >> "$results"
      dotnet "$csharp" "$strategy" --config "$config" --threads "$threads" --warmup 1 --steps "$steps" --keep-freed \
        | grep '^RESULT' | sed 's/^RESULT csharp/RESULT csharp-keep-freed/' >> "$results"
      (cd tests/Microsoft.ML.Nas.Benchmarks/pytorch && /usr/bin/python3 darts_step.py --strategy "$strategy" --config "$config" --threads "$threads" --warmup 1 --steps "$steps") \
        | grep '^RESULT' | sed 's/^RESULT pytorch [^ ]*/RESULT pytorch/' >> "$results"
    done
  done
done
echo "DARTS-family step medians, $threads threads, alternating processes (median over $rounds rounds of $steps steps)"
awk -v baseline=pytorch -f tests/Microsoft.ML.Nas.Benchmarks/results-table.awk "$results"
if [[ "$strategies" == *" "* ]]; then
  # "RESULT csharp config=gdas-mnist-first" becomes "RESULT csharp-gdas config=mnist-first": one column per strategy.
  by_strategy() { grep "^RESULT $1 " "$results" | sed -E "s/ threads=[0-9]+//" | sed -E "s/^RESULT $1 (.*)config=(gdas|pc-darts)-/RESULT $1-\2 \1config=/; t; s/^RESULT $1 /RESULT $1-darts /"; }
  for side in csharp pytorch; do
    echo "Each strategy against DARTS, $side"
    by_strategy "$side" | awk -v baseline="$side-darts" -f tests/Microsoft.ML.Nas.Benchmarks/results-table.awk
  done
fi
