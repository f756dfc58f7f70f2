#!/usr/bin/env bash
# Prints the path of jemalloc's shared library, installing Debian's libjemalloc2 first when it is missing (as root or
# with sudo). The test command runs the suite a second time with it preloaded, so that the library's paths for an
# allocator other than glibc's are exercised. Prints nothing (exit 0) where it cannot be had; the caller decides.
set -euo pipefail

find_library() {
  { /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true; } |
    awk '/libjemalloc\.so\.2 .*x86-64|libjemalloc\.so\.2 .*AArch64/ { print $NF; exit }'
}

library="$(find_library)"
if [[ -z "$library" && "$(uname -s)" == "Linux" ]] && command -v apt-get >/dev/null 2>&1; then
  if [[ "$(id -u)" -eq 0 ]]; then sudo_cmd=(); elif command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else sudo_cmd=(false); fi
  export DEBIAN_FRONTEND=noninteractive
  { "${sudo_cmd[@]}" apt-get install -y -qq libjemalloc2 ||
    { "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq libjemalloc2; }; } >/dev/null 2>&1 || true
  library="$(find_library)"
fi
[[ -n "$library" ]] && echo "$library"
exit 0
