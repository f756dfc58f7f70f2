# Summarises benchmark RESULT lines ("RESULT <side> ... config=<name> <key>=<number> ...") gathered over rounds:
# for each configuration and measured key, the median of each side's values and each side's ratio to the side named
# by -v baseline=<side>. Keys holding ratios, and keys only the baseline reports, are skipped; sides and configurations keep their first-seen order.
function median(list, n,   sorted, i, j, t) {
  for (i = 1; i <= n; i++) sorted[i] = list[i]
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (sorted[j] < sorted[i]) { t = sorted[i]; sorted[i] = sorted[j]; sorted[j] = t }
  return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
}
$1 == "RESULT" {
  side = $2; config = "-"
  for (f = 3; f <= NF; f++) if ($f ~ /^config=/) config = substr($f, 8)
  if (!(side in seenSide)) { seenSide[side] = 1; sides[++sideCount] = side }
  if (!(config in seenConfig)) { seenConfig[config] = 1; configs[++configCount] = config }
  for (f = 3; f <= NF; f++) {
    if (split($f, kv, "=") != 2 || kv[1] == "config" || kv[1] ~ /ratio/ || kv[2] !~ /^[0-9.]+$/) continue
    if (!((config, kv[1]) in seenKey)) { seenKey[config, kv[1]] = 1; keys[config, ++keyCount[config]] = kv[1] }
    values[side, config, kv[1], ++count[side, config, kv[1]]] = kv[2]
  }
}
END {
  printf "%-20s %-16s", "config", "measure"
  for (s = 1; s <= sideCount; s++) printf " %18s", sides[s]
  for (s = 1; s <= sideCount; s++) if (sides[s] != baseline) printf " %24s", sides[s] "/" baseline
  printf "\n"
  for (c = 1; c <= configCount; c++) {
    config = configs[c]
    for (k = 1; k <= keyCount[config]; k++) {
      key = keys[config, k]
      measured = 0
      for (s = 1; s <= sideCount; s++) if (sides[s] != baseline && count[sides[s], config, key] > 0) measured = 1
      if (!measured) continue
      printf "%-20s %-16s", config, key
      for (s = 1; s <= sideCount; s++) {
        n = count[sides[s], config, key]
        for (j = 1; j <= n; j++) column[j] = values[sides[s], config, key, j]
        med[s] = n ? median(column, n) : ""
        printf " %18s", n ? sprintf("%.1f (n=%d)", med[s], n) : "-"
      }
      for (s = 1; s <= sideCount; s++) {
        if (sides[s] == baseline) continue
        base = ""
        for (b = 1; b <= sideCount; b++) if (sides[b] == baseline) base = med[b]
        printf " %24s", (med[s] != "" && base != "" && base > 0) ? sprintf("%.2f", med[s] / base) : "-"
      }
      printf "\n"
    }
  }
}
