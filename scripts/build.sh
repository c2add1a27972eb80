#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Configure and build libcert in build/ (or $LIBCERT_BUILD_DIR). Extra arguments go to cmake.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${LIBCERT_BUILD_DIR:-$top/build}
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
