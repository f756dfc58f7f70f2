#!/usr/bin/env bash
# Plain-CNN baseline, C# (TorchSharp) and PyTorch side by side: processes alternate, one round each, so that noise on
# a shared machine hits both alike. Prints the median of each side's round medians and the C#/PyTorch ratios.
#   tests/Microsoft.ML.Nas.Benchmarks/compare-plain-cnn.sh [rounds=7] [threads=2]
# Needs Debian's python3-torch for the PyTorch side (apt-get install python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-7}"; threads="${2:-2}"
source tests/Microsoft.ML.Nas.Benchmarks/compare-setup.sh
for ((r = 1; r <= rounds; r++)); do
  dotnet "$csharp" plain-cnn --rounds 1 --threads "$threads" | grep '^RESULT' >> "$results"
  /usr/bin/python3 tests/Microsoft.ML.Nas.Benchmarks/pytorch/plain_cnn.py --rounds 1 --threads "$threads" | grep '^RESULT' >> "$results"
done
awk '
  function median(list, n,   sorted, i, j, t) {
    for (i = 1; i <= n; i++) sorted[i] = list[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (sorted[j] < sorted[i]) { t = sorted[i]; sorted[i] = sorted[j]; sorted[j] = t }
    return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
  }
  {
    side = $2
    for (f = 3; f <= NF; f++) { split($f, kv, "="); values[side, kv[1], ++count[side, kv[1]]] = kv[2] }
  }
  END {
    n = count["csharp", "train_ms"]
    for (s = 0; s < 2; s++) {
      side = s ? "pytorch" : "csharp"
      for (k = 0; k < 3; k++) {
        key = k == 0 ? "train_ms" : k == 1 ? "infer_ms" : "peak_rss_mib"
        for (i = 1; i <= n; i++) column[i] = values[side, key, i]
        med[side, key] = median(column, n)
      }
    }
    printf "plain CNN, batch 64, %d alternating rounds (median of round medians)\n", n
    printf "%-18s %10s %10s %8s\n", "", "C#", "PyTorch", "ratio"
    printf "%-18s %10.2f %10.2f %8.2f\n", "train step ms", med["csharp","train_ms"], med["pytorch","train_ms"], med["csharp","train_ms"] / med["pytorch","train_ms"]
    printf "%-18s %10.2f %10.2f %8.2f\n", "inference ms", med["csharp","infer_ms"], med["pytorch","infer_ms"], med["csharp","infer_ms"] / med["pytorch","infer_ms"]
    printf "%-18s %10.0f %10.0f %8.2f\n", "peak RSS MiB", med["csharp","peak_rss_mib"], med["pytorch","peak_rss_mib"], med["csharp","peak_rss_mib"] / med["pytorch","peak_rss_mib"]
  }' "$results"
