#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The static analyser CI runs (.ci/run): Debian 12's cppcheck (2.10) over the library, the tools
# and the fuzz targets, as the build compiles them (compile_commands.json of a build tree),
# with the checks and suppressions in .cppcheck/. Any finding fails (exit 1).
#   scripts/cppcheck.sh [BUILD_DIR]      (default build/; configured with CMake)
# Not the tests: they hold deliberate misuse (double frees of what a failed call freed, NULL
# sentinels to variadic helpers) that is their subject, not a defect.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
cfg=$top/.cppcheck
[ -f "$build/compile_commands.json" ] ||
    { echo "cppcheck.sh: no $build/compile_commands.json; configure with cmake first" >&2; exit 1; }
work=$build/cppcheck
mkdir -p "$work/cache"
# Only the sources that are analysed: cppcheck 2.10's --file-filter does not match with --project.
jq --arg top "$top/" '[.[] | select(.file | startswith($top + "libcert/src/") or
    startswith($top + "tools/") or startswith($top + "fuzz/"))]' \
    "$build/compile_commands.json" >"$work/compile_commands.json"
cppcheck --project="$work/compile_commands.json" --cppcheck-build-dir="$work/cache" \
    $(grep -v '^#' "$cfg/options" | tr '\n' ' ') \
    --suppressions-list="$cfg/suppressions.txt" --inline-suppr \
    -j"$(nproc)" -q --error-exitcode=1 \
    --template='{file}:{line}: {severity}: {message} [{id}]'
echo "cppcheck.sh: $(jq length "$work/compile_commands.json") files, no finding"
