#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build the Debian packages into build/packages/ (or $LIBCERT_PKG_OUT) with CPack:
#   libcert1       the shared library (named after its SONAME, docs/ABI.md)
#   libcert-dev    headers, libcert.so, libcert.a, libcert.pc, the CMake package, man3
#   libcert-tools  the tools, their man pages, shell completions
# in a build tree of their own, build/deb/ (or $LIBCERT_PKG_TREE): installed to /usr, with
# Debian's compiler flags (dpkg-buildflags, hardening=+all), stripped, man pages compressed,
# dependencies from dpkg-shlibdeps. Then lintian, when installed, checks them (LIBCERT_LINTIAN=0
# skips it); any error or warning fails.
# Installs nothing. tests/packaging/test_deb.sh installs and tries the packages.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${LIBCERT_PKG_TREE:-$top/build/deb}
out=${LIBCERT_PKG_OUT:-$top/build/packages}

for t in dpkg-buildflags dpkg-shlibdeps cpack file readelf gzip; do
    command -v "$t" >/dev/null 2>&1 ||
        { echo "package.sh: $t not found; run scripts/deps.sh" >&2; exit 1; }
done

cd "$top"
# Reproducible: the changelog's and man pages' dates are the last commit's.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
# Debian's flags, as dpkg-buildpackage would give them (run from $top: -ffile-prefix-map).
# CMake reads no CPPFLAGS: they go with the CFLAGS.
eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
cflags="$CFLAGS $CPPFLAGS"

cmake -S "$top" -B "$tree" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
    -DLIBCERT_DEBIAN=ON -DLIBCERT_TESTS=OFF -DLIBCERT_BENCH=OFF -DLIBCERT_FUZZ=OFF \
    -DLIBCERT_SANITIZE=OFF \
    -DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$LDFLAGS" \
    -DCMAKE_SHARED_LINKER_FLAGS="$LDFLAGS" >/dev/null
cmake --build "$tree" -j"$(nproc)" >/dev/null

rm -rf "$tree/cpack"
(cd "$tree" && cpack -G DEB -B "$tree/cpack" >/dev/null) ||
    { echo "package.sh: cpack failed; its log: $tree/cpack/_CPack_Packages/" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.deb
mv "$tree"/cpack/*.deb "$out"/
for deb in "$out"/*.deb; do
    echo "$deb"
done

if [ "${LIBCERT_LINTIAN:-1}" != 0 ] && command -v lintian >/dev/null 2>&1; then
    # --fail-on: every error and warning is fixed or overridden (cmake/debian/*.lintian-overrides
    # say why); info and pedantic tags are shown, not fatal.
    lintian --fail-on error,warning --display-info "$out"/*.deb
fi
