#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cmake --install puts the tools, the libraries, the headers, the man pages, libcert.pc and the
# CMake package where they belong, and another project builds against them every way a consumer
# would, each consumer then run:
#   1. pkg-config --cflags --libs libcert (the shared library)
#   2. find_package(libcert) + libcert::shared
#   3. find_package(libcert) + libcert::static (the config file must recreate jansson, cJSON,
#      libcurl, libxml2 and inih's imported targets, or this fails at generate time)
#   4. pkg-config --static --libs libcert with libcert.a (Requires.private and Libs.private must
#      name everything the static library calls)
set -euo pipefail
build=${LIBCERT_BUILD:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for t in certcheck certsplit certup certls certattach certrotate certprune; do
    [ -x "$tmp/prefix/bin/$t" ] || fail "bin/$t not installed"
    "$tmp/prefix/bin/$t" --version | grep -q "libcert" || fail "$t --version"
    if command -v scdoc >/dev/null; then
        [ -f "$tmp/prefix/share/man/man1/$t.1" ] || fail "man page $t.1 not installed"
    fi
done
# Section-3 pages (docs/hdr2man.py): the overview, one per header, a link per function.
man3=$tmp/prefix/share/man/man3
for p in libcert.3 libcert_bundle.3 libcert_error.3; do
    [ -f "$man3/$p" ] || fail "man page $p not installed"
done
[ "$(readlink "$man3/cert_bundle_new.3")" = libcert_bundle.3 ] ||
    fail "man3/cert_bundle_new.3 is not a link to libcert_bundle.3"
libdir=$(find "$tmp/prefix" -name libcert.pc -printf '%h\n' | head -1)
[ -n "$libdir" ] || fail "libcert.pc not installed"
libdir=$(dirname "$libdir")
for f in libcert.so libcert.a cmake/libcert/libcertConfig.cmake; do
    [ -e "$libdir/$f" ] || fail "$f not installed"
done
# The SONAME is the ABI version (docs/ABI.md), not the project's major version.
soname=$(readelf -d "$libdir/libcert.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libcert.so.${LIBCERT_SOVERSION:?}" ] ||
    fail "SONAME is '$soname', expected libcert.so.$LIBCERT_SOVERSION"
[ -e "$libdir/$soname" ] || fail "$soname not installed"
# Only CERT_EXTERN symbols are exported (-fvisibility=hidden): the ABI is the cert_ names.
leaked=$(nm -D --defined-only "$libdir/libcert.so" | awk '$3 !~ /^cert_/ {print $3}')
[ -z "$leaked" ] || fail "libcert.so exports symbols without the cert_ prefix: $leaked"
for h in libcert.h bundle.h chain.h checks.h report.h split.h key.h error.h aws.h iam.h \
    cloudfront.h inventory.h attach.h rotate.h; do
    [ -f "$tmp/prefix/include/libcert/$h" ] || fail "include/libcert/$h not installed"
done

cat >"$tmp/app.c" <<'C'
#include <libcert/libcert.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    cert_bundle *b = NULL;
    cert_chain *c = NULL;

    if (argc < 2 || cert_bundle_new(&b) != CERT_OK || cert_bundle_load_file(b, argv[1], NULL) != CERT_OK ||
        cert_chain_build(b, NULL, &c) != CERT_OK)
        return 1;
    printf("%s %zu\n", cert_version(), cert_chain_count(c));
    cert_chain_free(c);
    cert_bundle_free(b);
    return 0;
}
C
export PKG_CONFIG_PATH=$libdir/pkgconfig
version=$(pkg-config --modversion libcert)
want="$version 2"
extra=${LIBCERT_TEST_CFLAGS:-} # -fsanitize=... when the library was built with it

# needs_libcert BINARY: whether BINARY asks the loader for libcert.so.*
needs_libcert() { readelf -d "$1" | grep -q 'NEEDED.*\[libcert\.so'; }

# 1. pkg-config, shared
# shellcheck disable=SC2046,SC2086
cc -std=c11 $extra -o "$tmp/app-pc" "$tmp/app.c" $(pkg-config --cflags --libs libcert)
needs_libcert "$tmp/app-pc" || fail "pkg-config app does not link libcert.so"
out=$(LD_LIBRARY_PATH=$libdir "$tmp/app-pc" "$LIBCERT_FIXTURES/bundle-good.pem")
[ "$out" = "$want" ] || fail "pkg-config app printed '$out', expected '$want'"

# 2, 3. find_package, each target. The project also checks that finding libcert leaves the
# caller's variables alone (pkg_check_modules(CURL) would set CURL_FOUND, as FindCURL does).
mkdir -p "$tmp/proj"
cp "$tmp/app.c" "$tmp/proj/app.c"
cat >"$tmp/proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(app C)
set(CURL_FOUND "the caller's")
set(JANSSON_LIBRARIES "the caller's")
find_package(libcert 0.1 REQUIRED)
if(NOT CURL_FOUND STREQUAL "the caller's" OR NOT JANSSON_LIBRARIES STREQUAL "the caller's")
  message(FATAL_ERROR "find_package(libcert) changed the caller's CURL_FOUND or JANSSON_LIBRARIES")
endif()
add_executable(app app.c)
target_link_libraries(app PRIVATE libcert::${LIBCERT_TARGET})
CM
for target in shared static; do
    b=$tmp/proj/build-$target
    cmake -S "$tmp/proj" -B "$b" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DLIBCERT_TARGET=$target \
        -DCMAKE_C_FLAGS="$extra" >"$tmp/cmake-$target.log" 2>&1 ||
        { cat "$tmp/cmake-$target.log" >&2; fail "find_package + libcert::$target: configure"; }
    cmake --build "$b" >"$tmp/build-$target.log" 2>&1 ||
        { cat "$tmp/build-$target.log" >&2; fail "find_package + libcert::$target: build"; }
    if [ $target = shared ]; then
        needs_libcert "$b/app" || fail "libcert::shared app does not link libcert.so"
        # CMake gives the build tree an RPATH to the imported library: no LD_LIBRARY_PATH
        out=$("$b/app" "$LIBCERT_FIXTURES/bundle-good.pem")
    else
        needs_libcert "$b/app" && fail "libcert::static app links libcert.so"
        out=$(env -u LD_LIBRARY_PATH "$b/app" "$LIBCERT_FIXTURES/bundle-good.pem")
    fi
    [ "$out" = "$want" ] || fail "libcert::$target app printed '$out', expected '$want'"
done

# 4. pkg-config --static with plain cc. -l:libcert.a picks the archive although libcert.so lies
# beside it; everything else comes from --static --libs: jansson, cJSON, libcurl (and what libcurl
# links), libxml2, inih, OpenSSL, -pthread.
libs=$(pkg-config --static --libs libcert)
libs=${libs/-lcert /-l:libcert.a }
# shellcheck disable=SC2046,SC2086
cc -std=c11 $extra -o "$tmp/app-static" "$tmp/app.c" $(pkg-config --cflags libcert) $libs ||
    fail "pkg-config --static app did not link (libs: $libs; scripts/deps.sh installs the -dev packages libcurl's Libs.private names)"
needs_libcert "$tmp/app-static" && fail "pkg-config --static app links libcert.so"
out=$(env -u LD_LIBRARY_PATH "$tmp/app-static" "$LIBCERT_FIXTURES/bundle-good.pem")
[ "$out" = "$want" ] || fail "pkg-config --static app printed '$out', expected '$want'"

echo "install: tools, libraries, headers, man pages, libcert.pc and the CMake package work" \
    "(pkg-config, pkg-config --static, libcert::shared, libcert::static)"
