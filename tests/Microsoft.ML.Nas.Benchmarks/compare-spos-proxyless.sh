#!/usr/bin/env bash
# SPOS and ProxylessNAS step benchmarks, C# (TorchSharp) and PyTorch side by side: for each configuration, processes
# alternate round by round (C#, then PyTorch with NNI v1.9's trainer semantics in pytorch/spos.py or pytorch/proxyless.py;
# for ProxylessNAS also PyTorch in NNI v1.9's default full_v2 architecture mode, reported as its own side), one process
# each so that each peak-memory figure is that configuration's alone. Prints each side's medians and their ratios to
# PyTorch (the same step as C#: for ProxylessNAS the two-path architecture step).
#   tests/Microsoft.ML.Nas.Benchmarks/compare-spos-proxyless.sh [rounds=3] [threads=2] [steps=200]
#       [configs="spos-macro-mnist spos-macro-cifar proxyless-mlp-mnist proxyless-chain-cifar"]
# Needs Debian's python3-torch for the PyTorch side (apt-get install python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"; threads="${2:-2}"; steps="${3:-200}"; configs="${4:-spos-macro-mnist spos-macro-cifar proxyless-mlp-mnist proxyless-chain-cifar}"
warmup=$(( steps < 10 ? 2 : 10 ))
source tests/Microsoft.ML.Nas.Benchmarks/compare-setup.sh
for config in $configs; do
  strategy="${config%%-*}"
  for ((r = 1; r <= rounds; r++)); do
    dotnet "$csharp" "$strategy" --config "${config#*-}" --threads "$threads" --warmup "$warmup" --steps "$steps" | grep '^RESULT' >> "$results"
    (cd tests/Microsoft.ML.Nas.Benchmarks/pytorch && /usr/bin/python3 "$strategy.py" --config "$config" --threads "$threads" --warmup "$warmup" --steps "$steps") \
      | grep '^RESULT' >> "$results"
    if [[ "$strategy" == proxyless ]]; then
      (cd tests/Microsoft.ML.Nas.Benchmarks/pytorch && /usr/bin/python3 proxyless.py --config "$config" --threads "$threads" --warmup "$warmup" --steps "$steps" \
        --binary-mode full_v2) | grep '^RESULT' >> "$results"
    fi
  done
done
echo "SPOS and ProxylessNAS step medians (ms), $threads threads, alternating processes (median over $rounds rounds of $steps steps)"
awk -v baseline=pytorch -f tests/Microsoft.ML.Nas.Benchmarks/results-table.awk "$results"
