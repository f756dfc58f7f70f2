#!/usr/bin/env bash
# Makes sure PNG pictures can be drawn (src/Microsoft.ML.Nas.Rendering): SkiaSharp's native library links fontconfig,
# and text needs a font; the pictures name DejaVu Sans first. Debian 12 images usually have both (fontconfig-config
# depends on a font); where either is missing this installs Debian's libfontconfig1 and fonts-dejavu-core.
# Idempotent: returns at once when both are there. Only Linux needs it.
set -euo pipefail
say() { printf '[prerequisites] %s\n' "$*"; }

[[ "$(uname -s)" == "Linux" ]] || exit 0
has_fontconfig() { { /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true; } | grep -q 'libfontconfig\.so\.1'; }
has_font() { compgen -G '/usr/share/fonts/truetype/dejavu/DejaVuSans*.ttf' >/dev/null; }

if has_fontconfig && has_font; then
  say "fontconfig and DejaVu Sans are present: nothing to do for PNG pictures."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "PNG pictures need fontconfig and a font (DejaVu Sans); install them with your package manager."
  exit 0
fi
sudo_cmd=(); [[ "$(id -u)" -eq 0 ]] || sudo_cmd=(sudo)
say "installing libfontconfig1 and fonts-dejavu-core for PNG pictures."
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq libfontconfig1 fonts-dejavu-core >/dev/null
