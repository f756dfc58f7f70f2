#!/usr/bin/env bash
# Makes sure the C++ runtime that TorchSharp's native library needs is present.
#
# TorchSharp 0.107.0's libLibTorchSharp.so is linked against GLIBCXX_3.4.32 (GCC 13's libstdc++).
# Debian 12 "bookworm" ships GLIBCXX_3.4.30, so the first TorchSharp call fails there with a bare
# DllNotFoundException. On such a machine this script adds Debian 13 "trixie" as an apt source
# pinned below bookworm (so nothing else is upgraded from it) and installs trixie's libstdc++6.
# Everywhere else (Debian 13+, Ubuntu 24.04+, macOS, Windows) it only reports that nothing is needed.
# Idempotent: a second run finds the symbol and returns at once.
set -euo pipefail

required_symbol="GLIBCXX_3.4.32"
say() { printf '[prerequisites] %s\n' "$*"; }

if [[ "$(uname -s)" != "Linux" ]]; then
  say "$(uname -s): no native prerequisite to install."
  exit 0
fi

find_libstdcxx() {
  { /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true; } |
    awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*AArch64/ { print $NF; exit }'
}

has_symbol() {
  local lib
  lib="$(find_libstdcxx)"
  [[ -z "$lib" ]] && lib="/usr/lib/$(uname -m)-linux-gnu/libstdc++.so.6"
  [[ -r "$lib" ]] && grep -aq "$required_symbol" "$lib"
}

if has_symbol; then
  say "libstdc++ provides $required_symbol: nothing to do."
  exit 0
fi

distro_id="" ; distro_version=""
if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  distro_id="${ID:-}"; distro_version="${VERSION_ID:-}"
fi

if [[ "$distro_id" != "debian" || "$distro_version" != "12" ]]; then
  say "libstdc++ lacks $required_symbol and this is ${PRETTY_NAME:-an unknown distribution}, not Debian 12."
  say "Install a GCC 13+ C++ runtime (libstdc++6 >= 13) with your package manager, then run this again."
  exit 1
fi

if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    say "libstdc++ lacks $required_symbol; installing trixie's libstdc++6 needs root (run this script as root)."
    exit 1
  fi
else
  sudo_cmd=()
fi

sources_file=/etc/apt/sources.list.d/microsoft-ml-nas-trixie.sources
pin_file=/etc/apt/preferences.d/microsoft-ml-nas-trixie
say "libstdc++ lacks $required_symbol (TorchSharp needs GCC 13's runtime): installing libstdc++6 from Debian 13 trixie."
if [[ ! -f "$sources_file" ]]; then
  "${sudo_cmd[@]}" tee "$sources_file" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
if [[ ! -f "$pin_file" ]]; then
  # Priority 100 keeps bookworm's packages preferred; only what we ask for by release comes from trixie.
  "${sudo_cmd[@]}" tee "$pin_file" >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq -o Dir::Etc::sourcelist=/dev/null \
  -o Dir::Etc::sourceparts="$(dirname "$sources_file")" >/dev/null || "${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq -t trixie libstdc++6 >/dev/null

if has_symbol; then
  say "installed: libstdc++ now provides $required_symbol."
else
  say "libstdc++6 from trixie was installed but $required_symbol is still missing."
  exit 1
fi
