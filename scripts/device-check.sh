#!/usr/bin/env bash
# The device check (README "GPU"): tests/Microsoft.ML.Nas.DeviceCheck, published self-contained for linux-x64 WITHOUT
# libtorch, so that it can be carried to a GPU machine that has PyTorch but no .NET SDK and no network.
#   scripts/device-check.sh build          here (needs the .NET SDK): publishes into artifacts/device-check (< 60 MiB)
#   scripts/device-check.sh run [options]  on a GPU machine, with artifacts/device-check carried: libtorch from the
#                                          machine's PyTorch (torch/lib; TORCH_LIB=/path/to/torch/lib overrides); CUDA
#                                          is required
#   scripts/device-check.sh cpu [options]  here and in CI: builds, then runs the same program against NuGet's CPU
#                                          libtorch with the quick budget (CUDA parts reported as skipped)
# Options after the mode go to the program (--darts, --enas, --warmup, --steps, --fit-rows, ...: Program.cs).
set -euo pipefail
cd "$(dirname "$0")/.."

app_dir=artifacts/device-check
app="$app_dir/Microsoft.ML.Nas.DeviceCheck"
shim="$app_dir/libLibTorchSharp.so"
limit_mib=60
expected_libtorch=2.10   # the libtorch TorchSharp 0.107's libLibTorchSharp.so is built against
required_glibcxx=GLIBCXX_3.4.32

say() { echo "device-check: $*"; }
fail() { echo "device-check: $*" >&2; exit 1; }

build() {
  command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK is needed to build; 'dotnet' is not on PATH."
  rm -rf "$app_dir"
  # Self-contained (the GPU machine has no .NET), framework assemblies trimmed to what is used (the project's
  # TrimMode=partial keeps ML.NET and TorchSharp whole; the trim analysis, which would hold every project's reflection
  # to account as errors, is off: the cpu mode runs the published program through everything instead). The project
  # references the TorchSharp package only, so no libtorch is published: the machine's own supplies it.
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish tests/Microsoft.ML.Nas.DeviceCheck -c Release -r linux-x64 \
    --self-contained -o "$app_dir" -nologo -v:q -p:PublishTrimmed=true -p:SuppressTrimAnalysisWarnings=true \
    -p:DebugType=none -p:GenerateDocumentationFile=false
  [[ -x "$app" ]] || fail "the publish has no $app."
  [[ -f "$shim" ]] || fail "the publish has no libLibTorchSharp.so (TorchSharp's native shim)."
  local stray
  stray=$(find "$app_dir" -name 'libtorch*.so*' -o -name 'libc10*.so*' | head -3)
  [[ -z "$stray" ]] || fail "the publish contains libtorch ($stray): it must come from the machine, not from NuGet."
  local bytes mib
  bytes=$(du -sb "$app_dir" | cut -f1)
  mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
  say "published $app_dir: $mib MiB in $(find "$app_dir" -type f | wc -l) files; largest:"
  find "$app_dir" -type f -printf '%s %f\n' | sort -rn | head -6 | awk '{ printf "  %6.1f MiB  %s\n", $1 / 1048576, $2 }'
  awk -v b="$bytes" -v l="$limit_mib" 'BEGIN { exit !(b < l * 1048576) }' || fail "the publish is $mib MiB, over the $limit_mib MiB limit."
}

require_app() {
  [[ -f "$app" && ! -x "$app" ]] && chmod +x "$app"   # a copy that lost the executable bit
  [[ -x "$app" && -f "$shim" ]] || fail "$app is missing: run 'scripts/device-check.sh build' on a machine with the .NET SDK and carry $app_dir."
}

# Prints the libtorch folder and PyTorch's own view (version, CUDA, cuDNN, device) as key=value lines.
find_torch() {
  local python
  for python in "${PYTHON:-python3}" python3 python; do
    command -v "$python" >/dev/null 2>&1 || continue
    "$python" - <<'PY' 2>/dev/null && return 0
import os, torch
print("lib=" + os.path.join(os.path.dirname(torch.__file__), "lib"))
print("version=" + torch.__version__)
print("cuda=" + str(torch.version.cuda))
print("cudnn=" + str(torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None))
print("device=" + (torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA device"))
PY
  done
  # No Python that imports torch: look for a PyTorch installation's torch/lib on disk.
  local found
  found=$(find / -xdev -path '*/torch/lib/libtorch_cuda.so' 2>/dev/null | head -1 || true)
  [[ -n "$found" ]] && echo "lib=$(dirname "$found")"
}

# Says what the dynamic loader will miss when it loads libLibTorchSharp.so with the current LD_LIBRARY_PATH.
check_linking() {
  local missing undefined
  missing=$(ldd "$shim" 2>&1 | grep -E 'not found' | sed 's/^\s*/  /' || true)
  undefined=$(ldd -r "$shim" 2>&1 | grep -E 'undefined symbol|version .* not found' || true)
  if [[ -z "$missing" && -z "$undefined" ]]; then
    say "linking: libLibTorchSharp.so resolves every library and symbol against $1"
    return 0
  fi
  [[ -n "$missing" ]] && { say "linking: libraries libLibTorchSharp.so needs but the loader does not find:"; echo "$missing"; }
  if [[ -n "$undefined" ]]; then
    say "linking: $(grep -c . <<<"$undefined") symbols libLibTorchSharp.so needs are missing from this libtorch, such as:"
    head -5 <<<"$undefined" | sed -E 's/^\s*undefined symbol: ([^ \t]+).*/\1/' \
      | { command -v c++filt >/dev/null 2>&1 && c++filt || cat; } | sed 's/^/  /'
  fi
  return 1
}

# The exact error of loading libLibTorchSharp.so, as dlopen reports it (TorchSharp's own loader does not say).
explain_load() {
  command -v python3 >/dev/null 2>&1 || return 0
  python3 -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$shim" >/dev/null 2>&1 && return 0
  say "dlopen of libLibTorchSharp.so fails: $(python3 -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$shim" 2>&1 | tail -1)"
}

# libLibTorchSharp.so needs GCC 13's C++ runtime. Where the system's is older, use a newer libstdc++.so.6 from the disk
# (a Python or conda prefix, /usr/local, ...) that this glibc can load, through a folder holding only a link to it.
check_libstdcxx() {
  local current
  current=$(ldd "$shim" 2>/dev/null | awk '/libstdc\+\+/ { print $3 }')
  [[ -z "$current" ]] || ! grep -q "$required_glibcxx" "$current" 2>/dev/null || return 0
  say "the C++ runtime ${current:-(none)} lacks $required_glibcxx (GCC 13+), which libLibTorchSharp.so needs"
  local prefix candidate link
  link=$(mktemp -d)
  for candidate in $(for prefix in "$(python3 -c 'import sys; print(sys.prefix)' 2>/dev/null || true)" /opt/conda /usr/local; do
                       [[ -n "$prefix" ]] && ls "$prefix"/lib/libstdc++.so.6 2>/dev/null
                     done; timeout 60 find / -xdev -name 'libstdc++.so.6*' -type f 2>/dev/null | head -20); do
    grep -q "$required_glibcxx" "$candidate" 2>/dev/null || continue
    ln -sf "$candidate" "$link/libstdc++.so.6"
    if ! LD_LIBRARY_PATH="$link:$LD_LIBRARY_PATH" ldd -r "$shim" 2>&1 | grep -q 'version .* not found'; then
      say "using $candidate instead"
      export LD_LIBRARY_PATH="$link:$LD_LIBRARY_PATH"
      return 0
    fi
  done
  rm -r "$link"
  say "no libstdc++.so.6 with $required_glibcxx that this glibc loads was found: install GCC 13's runtime (libstdc++6 >= 13)"
}

run_gpu() {
  require_app
  local info lib version
  if [[ -n "${TORCH_LIB:-}" ]]; then
    info="lib=$TORCH_LIB"
  else
    info=$(find_torch || true)
  fi
  lib=$(sed -n 's/^lib=//p' <<<"$info")
  [[ -n "$lib" && -f "$lib/libtorch_cpu.so" ]] \
    || fail "no PyTorch installation found (python3 -c 'import torch' failed, and no torch/lib/libtorch_cuda.so on disk); set TORCH_LIB=/path/to/torch/lib."
  version=$(sed -n 's/^version=//p' <<<"$info")
  if [[ -z "$version" && -f "$lib/../version.py" ]]; then
    version=$(sed -n "s/^__version__ = '\(.*\)'.*/\1/p" "$lib/../version.py")
  fi
  if grep -q '^device=' <<<"$info"; then
    say "PyTorch $version sees: CUDA $(sed -n 's/^cuda=//p' <<<"$info"), cuDNN $(sed -n 's/^cudnn=//p' <<<"$info"), $(sed -n 's/^device=//p' <<<"$info")"
  fi
  say "libtorch from $lib"
  if [[ "$version" != "$expected_libtorch".* ]]; then
    say "WARNING: this libtorch is ${version:-of unknown version}, not $expected_libtorch.x, the version TorchSharp 0.107's libLibTorchSharp.so is built against:"
    say "         loading may fail on missing C++ symbols (listed below), or calls may misbehave. Trying anyway."
  fi
  export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  check_libstdcxx
  check_linking "$lib" || explain_load
  execute --require-cuda "$@"
}

run_cpu() {
  ./scripts/install-prerequisites.sh
  build
  local packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}" native
  native=$(ls -d "$packages"/libtorch-cpu-linux-x64/"$expected_libtorch"*/runtimes/linux-x64/native 2>/dev/null | tail -1 || true)
  if [[ -z "$native" ]]; then
    DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet restore tests/Microsoft.ML.Nas.Benchmarks -nologo -v:q
    native=$(ls -d "$packages"/libtorch-cpu-linux-x64/"$expected_libtorch"*/runtimes/linux-x64/native | tail -1)
  fi
  say "libtorch from $native (NuGet's CPU libtorch)"
  export LD_LIBRARY_PATH="$native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  check_linking "$native" || { explain_load; fail "libLibTorchSharp.so does not link against NuGet's CPU libtorch."; }
  execute --quick "$@"
}

execute() {
  # TorchSharp falls back to copying libtorch out of the NuGet cache next to the program when the regular load fails;
  # pointing NUGET_PACKAGES nowhere keeps that from silently replacing the libtorch under test (or growing the folder).
  local start=$SECONDS status=0
  NUGET_PACKAGES=/nonexistent-nuget-packages DOTNET_CLI_TELEMETRY_OPTOUT=1 "$app" check "$@" || status=$?
  say "the program ran $((SECONDS - start)) s and exited $status"
  if [[ $status -ne 0 ]]; then
    explain_load
  fi
  return "$status"
}

mode="${1:-}"
[[ $# -gt 0 ]] && shift
case "$mode" in
  build) build ;;
  run) run_gpu "$@" ;;
  cpu) run_cpu "$@" ;;
  *) echo "usage: scripts/device-check.sh build | run [options] | cpu [options]" >&2; exit 2 ;;
esac
