#!/usr/bin/env bash
# One entry point for people and CI. Each command first installs the native prerequisite (idempotent, fast when done).
#   ./build.sh run    builds and runs the quick-start sample on the embedded MNIST digits
#   ./build.sh test   builds the whole solution (library, samples, benchmarks, tests, the internals guard), runs all
#                     tests, then scripts/package-check.sh (packs the library and consumes the package; PACKAGE_CHECK=0 skips it)
#                     and scripts/device-check.sh cpu (the GPU device check, run on the CPU; DEVICE_CHECK=0 skips it)
# Extra arguments after 'run' go to the sample; TORCH_BACKEND=cuda selects TorchSharp-cuda-linux.
set -euo pipefail
cd "$(dirname "$0")"

command="${1:-}"
[[ $# -gt 0 ]] && shift
if ! command -v dotnet >/dev/null 2>&1; then
  echo "build.sh: the .NET 10 SDK is needed (https://dotnet.microsoft.com/download); 'dotnet' is not on PATH." >&2
  exit 1
fi
./scripts/install-prerequisites.sh
backend=(-p:TorchBackend="${TORCH_BACKEND:-cpu}")
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

case "$command" in
  run)
    dotnet run -c Release "${backend[@]}" --project samples/QuickStart -- "$@"
    ;;
  test)
    results="$PWD/artifacts/test-results"
    rm -rf "$results"
    dotnet build Microsoft.ML.Nas.sln -c Release "${backend[@]}" -nologo
    status=0
    dotnet test Microsoft.ML.Nas.sln -c Release "${backend[@]}" --no-build -nologo \
      --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" || status=$?
    trx="$results/tests.trx"
    if [[ -f "$trx" ]]; then
      counters=$(grep -o '<Counters [^>]*>' "$trx")
      count() { sed -E "s/.* $1=\"([0-9]+)\".*/\1/" <<<"$counters"; }
      total=$(count total); executed=$(count executed); passed=$(count passed); failed=$(count failed)
      errors=$(count error); timeouts=$(count timeout); aborted=$(count aborted)
      failed=$((failed + errors + timeouts + aborted))
      summary="tests: $passed passed, $failed failed, $((total - executed)) skipped"
      [[ "$executed" -gt 0 ]] || { echo "build.sh: no test ran" >&2; status=1; }
    else
      summary="tests: 0 passed, 1 failed, 0 skipped"
      status=1
    fi
    # After the tests, so that a test failure is still reported; the test summary stays the last line.
    if [[ "${PACKAGE_CHECK:-1}" != 0 ]]; then
      ./scripts/package-check.sh || { echo "build.sh: the package check failed" >&2; status=1; }
    fi
    # The device check's cpu mode: the published, libtorch-free check program against NuGet's CPU libtorch
    # (scripts/device-check.sh; README "GPU"). DEVICE_CHECK=0 skips it.
    if [[ "${DEVICE_CHECK:-1}" != 0 ]]; then
      ./scripts/device-check.sh cpu || { echo "build.sh: the device check (cpu mode) failed" >&2; status=1; }
    fi
    echo "$summary"
    exit "$status"
    ;;
  *)
    echo "usage: ./build.sh run [sample options] | ./build.sh test [dotnet test options]" >&2
    exit 2
    ;;
esac
