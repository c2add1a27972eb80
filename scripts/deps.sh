#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install what libcert needs to build, test and run its demo, from Debian 12 packages.
# Safe to run again: apt-get is only called when a package is missing.
set -eu

PKGS="build-essential cmake pkg-config git
libssl-dev openssl libcurl4-openssl-dev libxml2-dev libjansson-dev libcjson-dev libinih-dev libcmocka-dev
scdoc clang llvm valgrind python3 python3-venv ca-certificates procps time strace jq curl"
# scripts/package.sh: cpack's DEB generator (file, dpkg-shlibdeps, readelf), Debian's build flags
# (dpkg-dev) and lintian.
PKGS="$PKGS file dpkg-dev binutils lintian"
# docs/hdr2man.py builds the section-3 pages with python3; tests/cli/test_man3.sh formats them
# with man-db's man and groff, as lintian does.
PKGS="$PKGS man-db groff-base"
# tests/cli/test_install.sh links a consumer with `pkg-config --static --libs libcert`, which names
# what libcurl itself links (its Libs.private): the linker needs those libraries' -dev packages.
PKGS="$PKGS libnghttp2-dev libidn2-dev librtmp-dev libssh2-1-dev libpsl-dev libkrb5-dev
libldap-dev libzstd-dev libbrotli-dev zlib1g-dev"
# tests/integration/test_renewal.py moves the tools' clock with libfaketime through four renewals.
PKGS="$PKGS faketime"
# tests/cli/test_manpages.sh loads the generated zsh completions.
PKGS="$PKGS zsh"
# .ci/run: the formatting check (Debian 12's clang-format is 14), the static analyser (cppcheck,
# configured in .cppcheck/), and scripts/netns.sh's loopback-only namespace (unshare, ip).
PKGS="$PKGS clang-format cppcheck util-linux iproute2"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    # moto for the emulator: the installed python3's, or a venv in build/ (scripts/python.sh)
    "$(dirname "$0")/python.sh" >/dev/null
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps.sh: need root (or sudo) to install:$missing" >&2; exit 1; }
    SUDO=sudo
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
"$(dirname "$0")/python.sh" >/dev/null
