#!/usr/bin/env bash
# Opens a search report (or any HTML file) in headless Chromium, as a person would, and saves a screenshot; fails when
# the page writes anything to the console (the report runs no script, so any message is an error: Chromium logs
# console.error and uncaught exceptions alike as "CONSOLE" lines). Installs Debian's chromium when it is missing.
#   scripts/report-screenshot.sh REPORT.html [SCREENSHOT.png] [WIDTH] [HEIGHT]
# Defaults: the screenshot beside the report (report.png), 1280 × 3600 pixels (tall enough for a whole report).
set -euo pipefail

report="${1:?usage: scripts/report-screenshot.sh REPORT.html [SCREENSHOT.png] [WIDTH] [HEIGHT]}"
screenshot="${2:-${report%.*}.png}"
width="${3:-1280}"
height="${4:-3600}"
[[ -f "$report" ]] || { echo "report-screenshot.sh: '$report' does not exist" >&2; exit 2; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "report-screenshot.sh: installing Debian's chromium" >&2
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

url="file://$(realpath "$report")"
mkdir -p "$(dirname "$screenshot")"
log=$(mktemp)
profile=$(mktemp -d)
trap 'rm -rf "$log" "$profile"' EXIT
# --enable-logging=stderr --v=0 prints the page's console messages as "CONSOLE" lines; a separate profile keeps the
# run from touching (or waiting on) a user's own Chromium.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$profile" \
  --enable-logging=stderr --v=0 --window-size="$width,$height" --screenshot="$(realpath -m "$screenshot")" "$url" 2>"$log" || {
  cat "$log" >&2
  echo "report-screenshot.sh: chromium failed on $url" >&2
  exit 1
}
[[ -s "$screenshot" ]] || { cat "$log" >&2; echo "report-screenshot.sh: no screenshot was written" >&2; exit 1; }
errors=$(grep -E ':CONSOLE[:(]|Failed to load resource|net::ERR_' "$log" || true)
if [[ -n "$errors" ]]; then
  echo "$errors" >&2
  echo "report-screenshot.sh: the page wrote to the console (above)" >&2
  exit 1
fi
echo "$screenshot"
