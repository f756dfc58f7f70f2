#!/usr/bin/env bash
# Proves the library's package can be consumed: packs src/Microsoft.ML.Nas (Release) into a temporary folder feed, then
# builds and runs tests/PackageConsumer (a copy outside the repository: a fresh application with none of its settings)
# against that package plus TorchSharp-cpu: it checks the package's metadata, fits a tiny ENAS search through
# mlContext.Nas(), saves the model, loads it back and compares the scores. Run by './build.sh test' after the tests.
# Exits non-zero with a 'package-check: FAILED ...' line on any failure; the last line says how long it took.
#
# The package under test is never a cached one: restore extracts packages into a new, empty folder (NUGET_PACKAGES),
# the feed is the only source allowed to serve Microsoft.ML.Nas (package source mapping), and the global packages
# folder, where TorchSharp's ~1.2 GB already are, is only a read-only fallback: a filtered view of it (a link per
# package) that leaves out Microsoft.ML.Nas. Copy-local files are hard-linked where the file system allows.
# TORCH_BACKEND=cuda makes the consumer reference TorchSharp-cuda-linux instead (it still runs on the CPU).
# PACKAGE_CHECK_KEEP=1 keeps the temporary folder (feed, consumer, logs) and prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

started=$SECONDS
fail() { echo "package-check: FAILED: $*"; exit 1; }
step() { step_started=$SECONDS; }
took() { echo "$((SECONDS - step_started))s"; }

case "${TORCH_BACKEND:-cpu}" in
  cpu) backend=TorchSharp-cpu ;;
  cuda) backend=TorchSharp-cuda-linux ;;
  *) fail "TORCH_BACKEND='${TORCH_BACKEND}' is not known: use cpu (default) or cuda" ;;
esac

./scripts/install-prerequisites.sh >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/nas-package-check.XXXXXX")
if [[ "${PACKAGE_CHECK_KEEP:-0}" == 1 ]]; then
  trap 'echo "package-check: kept $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
feed=$work/feed packages=$work/packages view=$work/global-packages-view consumer=$work/consumer
mkdir -p "$feed" "$packages" "$view"

# 1. Pack (an incremental build after './build.sh test' built Release).
step
dotnet pack src/Microsoft.ML.Nas/Microsoft.ML.Nas.csproj -c Release -o "$feed" -nologo -v:q >"$work/pack.log" 2>&1 \
  || { cat "$work/pack.log"; fail "dotnet pack of src/Microsoft.ML.Nas failed"; }
pack_time=$(took)
shopt -s nullglob
nupkgs=("$feed"/Microsoft.ML.Nas.*.nupkg)
snupkgs=("$feed"/Microsoft.ML.Nas.*.snupkg)
shopt -u nullglob
[[ ${#nupkgs[@]} -eq 1 ]] || fail "expected one Microsoft.ML.Nas .nupkg in the feed, found ${#nupkgs[@]}"
[[ ${#snupkgs[@]} -eq 1 ]] || fail "expected the symbols package (.snupkg) beside the .nupkg, found ${#snupkgs[@]}"
nupkg=${nupkgs[0]}
version=$(basename "$nupkg" .nupkg)
version=${version#Microsoft.ML.Nas.}
echo "package-check: packed $(basename "$nupkg") ($(( $(stat -c %s "$nupkg") / 1024 )) KiB) and its .snupkg in $pack_time"

# 2. The consumer's NuGet settings: the feed (for Microsoft.ML.Nas only), the repository's sources for the rest, and
#    the view of the global packages folder as a fallback.
global=$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages: *//')
global=${global%/}
if [[ -d "$global" ]]; then
  for folder in "$global"/*/; do
    name=$(basename "$folder")
    [[ "$name" == microsoft.ml.nas ]] || ln -s "${folder%/}" "$view/$name"
  done
fi
sources=$(sed -n '/<packageSources>/,/<\/packageSources>/p' NuGet.config | grep -o '<add key="[^"]*" value="[^"]*"' || true)
[[ -n "$sources" ]] || fail "no package source found in NuGet.config"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"package-under-test\" value=\"$feed\" />"
  sed 's|^|    |; s|$| />|' <<<"$sources"
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="package-under-test"><package pattern="Microsoft.ML.Nas" /></packageSource>'
  grep -o 'key="[^"]*"' <<<"$sources" | sed 's|^|    <packageSource |; s|$|><package pattern="*" /></packageSource>|'
  echo '  </packageSourceMapping>'
  echo '  <fallbackPackageFolders>'
  echo "    <add key=\"global-packages-view\" value=\"$view\" />"
  echo '  </fallbackPackageFolders>'
  echo '</configuration>'
} >"$work/NuGet.config"

# 3. Restore and build the consumer outside the repository.
cp -r tests/PackageConsumer "$consumer"
rm -rf "$consumer/bin" "$consumer/obj"
properties=(-p:NasPackageVersion="$version" -p:TorchBackendPackage="$backend" -p:CreateHardLinksForCopyLocalIfPossible=true)
step
NUGET_PACKAGES=$packages dotnet restore "$consumer" "${properties[@]}" --configfile "$work/NuGet.config" -nologo -v:q \
  >"$work/restore.log" 2>&1 || { cat "$work/restore.log"; fail "restore of the consumer failed"; }
restore_time=$(took)
[[ -d "$packages/microsoft.ml.nas/$version" ]] \
  || fail "restore did not extract Microsoft.ML.Nas $version from the feed into the empty packages folder"
step
NUGET_PACKAGES=$packages dotnet build "$consumer" -c Release --no-restore "${properties[@]}" -nologo -v:q \
  >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the consumer does not build against the package"; }
build_time=$(took)
echo "package-check: a fresh console project restored Microsoft.ML.Nas $version from the feed in $restore_time, built in $build_time"

# 4. Run it.
step
code=0
dotnet "$consumer/bin/Release/net10.0/PackageConsumer.dll" "$nupkg" "$version" "$work" || code=$?
[[ $code -eq 0 ]] || { [[ $code -eq 1 ]] && exit 1; fail "the consumer crashed (exit code $code)"; }   # 1: it printed why
echo "package-check: passed in $((SECONDS - started))s (pack $pack_time, restore $restore_time, build $build_time, run $(took))"
