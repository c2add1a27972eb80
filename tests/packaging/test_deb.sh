#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install the Debian packages that scripts/package.sh made, use them from their installed paths,
# and remove them again. It installs system-wide (apt-get, as root), so it is not a ctest test:
# CI runs it after scripts/package.sh.
#
#   scripts/package.sh && tests/packaging/test_deb.sh
#
# Checks: every file `cmake --install` puts is in one of the three packages; libcert1 and
# libcert-tools install with apt-get (their dependencies resolved from dpkg-shlibdeps);
# /usr/bin/certcheck --version and a check of a fixture bundle; man -w finds the section-1
# pages; dpkg -L lists what each package must hold; then libcert-dev installs too and a consumer
# builds against /usr with pkg-config and with the CMake package (libcert::shared and
# libcert::static) and runs; man -w finds the section-3 pages. The packages are purged at the
# end, whatever happened. Packages of these names that were installed before are left alone:
# the test refuses to run.
#
# Environment: LIBCERT_PKG_OUT (the .deb files; build/packages), LIBCERT_PKG_TREE (their build
# tree; build/deb), LIBCERT_FIXTURES (a tests/fixtures/gen.sh output; build/fixtures, or made
# here when missing).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${LIBCERT_PKG_OUT:-$top/build/packages}
tree=${LIBCERT_PKG_TREE:-$top/build/deb}
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { # check WHAT CMD...: CMD succeeds
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then ok; else bad "$what"; fi
}
die() { echo "test_deb: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (apt-get install)"
shopt -s nullglob
lib_deb=("$out"/libcert[0-9]*_*.deb)
dev_deb=("$out"/libcert-dev_*.deb)
tools_deb=("$out"/libcert-tools_*.deb)
[ ${#lib_deb[@]} = 1 ] && [ ${#dev_deb[@]} = 1 ] && [ ${#tools_deb[@]} = 1 ] ||
    die "want one libcertN, one libcert-dev and one libcert-tools .deb in $out; run scripts/package.sh"
shopt -u nullglob
lib_pkg=$(dpkg-deb -f "${lib_deb[0]}" Package)
pkgs=("$lib_pkg" libcert-dev libcert-tools)
for p in "${pkgs[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        die "$p is already installed; remove it first (this test installs and purges its own)"
    fi
done

tmp=$(mktemp -d)
cleanup()
{
    local rc=$?
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${pkgs[@]}" >/dev/null 2>&1
    for p in "${pkgs[@]}"; do
        if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed'; then
            echo "test_deb: could not remove $p" >&2
            rc=1
        fi
    done
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT

F=${LIBCERT_FIXTURES:-$top/build/fixtures}
if [ ! -e "$F/.libcert-fixtures" ]; then
    F=$tmp/fixtures
    "$top/tests/fixtures/gen.sh" "$F" >/dev/null 2>&1 || die "tests/fixtures/gen.sh failed"
fi

# apt-get install ./x.deb, once more after apt-get update when the lists are stale or missing.
install_debs()
{
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "$@" >"$tmp/apt.log" 2>&1 && return 0
    apt-get update -qq >>"$tmp/apt.log" 2>&1
    apt-get install -y -qq --no-install-recommends "$@" >>"$tmp/apt.log" 2>&1 && return 0
    cat "$tmp/apt.log" >&2
    return 1
}

# 1. Nothing installed is left out of the packages.
if [ -d "$tree" ]; then
    DESTDIR=$tmp/staged cmake --install "$tree" >/dev/null 2>&1
    (cd "$tmp/staged" && find . ! -type d | sed 's|^\.||' | sort) >"$tmp/installed"
    for d in "${lib_deb[0]}" "${dev_deb[0]}" "${tools_deb[0]}"; do
        dpkg-deb --fsys-tarfile "$d" | tar -t | sed 's|^\./|/|' | grep -v '/$'
    done | sort >"$tmp/packaged"
    missing=$(comm -23 "$tmp/installed" "$tmp/packaged")
    if [ -z "$missing" ]; then ok; else bad "installed but in no package: $missing"; fi
else
    echo "test_deb: no $tree: the package-contents check is skipped" >&2
fi

# 2. The library and the tools, as a user installs them.
install_debs "${lib_deb[0]}" "${tools_deb[0]}" || die "apt-get install of $lib_pkg and libcert-tools failed"
check "certcheck is /usr/bin/certcheck" test "$(command -v certcheck)" = /usr/bin/certcheck
version=$(/usr/bin/certcheck --version 2>&1)
if [[ $version == *libcert* ]]; then ok; else bad "certcheck --version printed: $version"; fi
/usr/bin/certcheck --at 2026-01-01T00:00:00Z --ca-file "$F/root.pem" "$F/bundle-good.pem" \
    >"$tmp/check.out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q 'OK: 0 errors' "$tmp/check.out"; then ok; else
    bad "certcheck bundle-good.pem: exit $rc: $(cat "$tmp/check.out")"
fi
/usr/bin/certcheck --at 2026-01-01T00:00:00Z --ca-file "$F/root.pem" "$F/bundle-expired.pem" \
    >/dev/null 2>&1
rc=$?
if [ $rc = 1 ]; then ok; else bad "certcheck bundle-expired.pem: exit $rc, expected 1"; fi
for t in certcheck certsplit certup certls certattach certrotate certprune; do
    check "/usr/bin/$t" test -x "/usr/bin/$t"
    check "man -w $t" test "$(man -w "$t" 2>/dev/null)" = "/usr/share/man/man1/$t.1.gz"
done
dpkg -L libcert-tools >"$tmp/tools.list"
dpkg -L "$lib_pkg" >"$tmp/lib.list"
for f in /usr/bin/certcheck /usr/share/man/man1/certcheck.1.gz \
    /usr/share/doc/libcert-tools/copyright /usr/share/doc/libcert-tools/changelog.Debian.gz; do
    check "dpkg -L libcert-tools lists $f" grep -qx "$f" "$tmp/tools.list"
done
soname=libcert.so.${lib_pkg#libcert}
check "dpkg -L $lib_pkg lists $soname" grep -q "/$soname\$" "$tmp/lib.list"
check "$lib_pkg holds no header, no .a, no libcert.so" \
    bash -c "! grep -Eq '^/usr/include|\\.a\$|/libcert\\.so\$' '$tmp/lib.list'"
check "$lib_pkg is in ldconfig's cache" bash -c "ldconfig -p | grep -q '$soname'"
check "certcheck needs no libcert.so (it links libcert statically)" \
    bash -c "! readelf -d /usr/bin/certcheck | grep -q 'NEEDED.*libcert'"

# 3. The development package: build and run a consumer against /usr.
install_debs "${dev_deb[0]}" || die "apt-get install of libcert-dev failed"
dpkg -L libcert-dev >"$tmp/dev.list"
for f in /usr/include/libcert/libcert.h /usr/share/man/man3/libcert.3.gz \
    /usr/share/doc/libcert-dev/copyright; do
    check "dpkg -L libcert-dev lists $f" grep -qx "$f" "$tmp/dev.list"
done
for f in libcert.a libcert.so pkgconfig/libcert.pc cmake/libcert/libcertConfig.cmake; do
    check "dpkg -L libcert-dev lists $f" grep -q "/usr/lib/.*/$f\$" "$tmp/dev.list"
done
# a function's page is a link to its header's page; man -w names the page the link resolves to
check "man -w cert_bundle_new" test "$(man -w cert_bundle_new 2>/dev/null)" = \
    /usr/share/man/man3/libcert_bundle.3.gz
check "man -w 3 libcert" test "$(man -w 3 libcert 2>/dev/null)" = /usr/share/man/man3/libcert.3.gz
cat >"$tmp/app.c" <<'C'
#include <libcert/libcert.h>
#include <stdio.h>

int main(void)
{
    printf("%s\n", cert_version());
    return 0;
}
C
want=$(pkg-config --modversion libcert 2>/dev/null)
check "pkg-config --modversion libcert" test -n "$want"
# shellcheck disable=SC2046
if cc -std=c11 -o "$tmp/app-pc" "$tmp/app.c" $(pkg-config --cflags --libs libcert) &&
    [ "$("$tmp/app-pc")" = "$want" ]; then ok; else bad "pkg-config consumer"; fi
mkdir -p "$tmp/proj"
cp "$tmp/app.c" "$tmp/proj/"
cat >"$tmp/proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(app C)
find_package(libcert REQUIRED)
add_executable(app-shared app.c)
target_link_libraries(app-shared PRIVATE libcert::shared)
add_executable(app-static app.c)
target_link_libraries(app-static PRIVATE libcert::static)
CM
if cmake -S "$tmp/proj" -B "$tmp/proj/b" >"$tmp/cmake.log" 2>&1 &&
    cmake --build "$tmp/proj/b" >>"$tmp/cmake.log" 2>&1; then
    for a in app-shared app-static; do
        if [ "$("$tmp/proj/b/$a")" = "$want" ]; then ok; else bad "CMake consumer $a"; fi
    done
else
    cat "$tmp/cmake.log" >&2
    bad "CMake consumer (find_package(libcert), libcert::shared, libcert::static)"
fi

echo "test_deb: $passed passed, $failed failed"
[ "$failed" = 0 ]
