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
./scripts/install-rendering-prerequisites.sh
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
    status=0 passed=0 failed=0 skipped=0
    # One run of the suite, its counters added to the totals; extra arguments are variables for that run (LD_PRELOAD=…).
    run_suite() {
      local name="$1"; shift
      # One test project at a time (-m:1): each trains networks on the machine's cores. A results file per project.
      env "$@" dotnet test Microsoft.ML.Nas.sln -c Release "${backend[@]}" --no-build -nologo -m:1 \
        --logger "trx;LogFilePrefix=$name" --results-directory "$results" "${test_args[@]}" || status=1
      local trx files=0 executed=0
      for trx in "$results/$name"_*.trx; do
        [[ -f "$trx" ]] || continue
        files=$((files + 1))
        local counters; counters=$(grep -o '<Counters [^>]*>' "$trx")
        count() { sed -E "s/.* $1=\"([0-9]+)\".*/\1/" <<<"$counters"; }
        local run_failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
        passed=$((passed + $(count passed))); failed=$((failed + run_failed))
        skipped=$((skipped + $(count total) - $(count passed) - run_failed))
        executed=$((executed + $(count executed)))
      done
      [[ $executed -gt 0 ]] || { echo "build.sh: no test ran in the $name run" >&2; status=1; }
      if [[ $files -ne $test_projects ]]; then
        echo "build.sh: the $name run left $files results files for $test_projects test projects" >&2
        failed=$((failed + 1)); status=1
      fi
    }
    test_args=("$@")
    test_projects=$(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj | wc -l)
    run_suite tests
    # The suite again under jemalloc, which the README recommends for long searches: the native-memory care must stand
    # down there, and the tests that measure glibc's heap end inconclusive (counted as skipped) instead of failing.
    jemalloc="$(./scripts/find-jemalloc.sh)"
    if [[ -n "$jemalloc" ]]; then
      echo "build.sh: the suite again with $jemalloc preloaded"
      run_suite tests-jemalloc LD_PRELOAD="$jemalloc"
    elif [[ "${CI:-}" == true ]]; then
      echo "build.sh: jemalloc (libjemalloc2) could not be found or installed for the second test run" >&2; status=1
    else
      echo "build.sh: jemalloc not found; the suite ran under glibc's malloc only"
    fi
    summary="tests: $passed passed, $failed failed, $skipped skipped"
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
