#!/usr/bin/env bash
# cmake --install puts the tools, the libraries, the headers, the man pages, libcert.pc and the
# CMake package where they belong, and another project builds against them both ways:
# pkg-config --cflags --libs libcert, and find_package(libcert).
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
libdir=$(find "$tmp/prefix" -name libcert.pc -printf '%h\n' | head -1)
[ -n "$libdir" ] || fail "libcert.pc not installed"
libdir=$(dirname "$libdir")
for f in libcert.so libcert.a cmake/libcert/libcertConfig.cmake; do
    [ -e "$libdir/$f" ] || fail "$f not installed"
done
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
# pkg-config
export PKG_CONFIG_PATH=$libdir/pkgconfig
extra=${LIBCERT_TEST_CFLAGS:-} # -fsanitize=... when the library was built with it
cc -std=c11 $extra -o "$tmp/app-pc" "$tmp/app.c" $(pkg-config --cflags --libs libcert)
out=$(LD_LIBRARY_PATH=$libdir "$tmp/app-pc" "$LIBCERT_FIXTURES/bundle-good.pem")
[ "$out" = "0.1.0 2" ] || fail "pkg-config app printed '$out'"

# find_package
mkdir -p "$tmp/proj"
cp "$tmp/app.c" "$tmp/proj/app.c"
cat >"$tmp/proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(app C)
find_package(libcert 0.1 REQUIRED)
add_executable(app app.c)
target_link_libraries(app PRIVATE libcert::shared)
CM
cmake -S "$tmp/proj" -B "$tmp/proj/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
    -DCMAKE_C_FLAGS="$extra" >/dev/null
cmake --build "$tmp/proj/build" >/dev/null
out=$(LD_LIBRARY_PATH=$libdir "$tmp/proj/build/app" "$LIBCERT_FIXTURES/bundle-good.pem")
[ "$out" = "0.1.0 2" ] || fail "find_package app printed '$out'"
echo "install: tools, libraries, headers, man pages, libcert.pc and the CMake package work"
