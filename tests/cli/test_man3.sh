#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Section-3 man pages (docs/hdr2man.py, built into build/docs/man3): every public header has its
# page, every CERT_EXTERN function is named in one and has its own link, and every page formats
# without a groff warning and with a NAME line whatis can read.
. "$(dirname "$0")/lib.sh"

inc=$LIBCERT_SRC/libcert/include/libcert
man3=$LIBCERT_BUILD/docs/man3

# page_of FILE: the page a header gives (libcert.h is the overview libcert(3)), as a path
# without the .3 / .3.gz suffix
page_of()
{
    local stem

    stem=$(basename "$1" .h)
    if [ "$stem" = libcert ]; then echo "$man3/libcert"; else echo "$man3/libcert_$stem"; fi
}

# The names, read here without the generator's parser: comments and preprocessor lines removed,
# then the identifier before the first "(" of each CERT_EXTERN declaration.
mapfile -t funcs < <("$PY" -I -S -c '
import re, sys
for path in sys.argv[1:]:
    s = open(path, encoding="utf-8").read()
    s = re.sub(r"/\*.*?\*/", " ", s, flags=re.S)
    s = re.sub(r"(?m)^\s*#(.*\\\n)*.*$", " ", s)
    for m in re.finditer(r"\bCERT_EXTERN\b[^;(]*?\b([A-Za-z_]\w*)\s*\(", s):
        print(m.group(1))
' "$inc"/*.h)

case_ "the pages are built"
assert_true "$man3 exists (build the man3 target; python3 is needed)" test -d "$man3"

pages=()
for h in "$inc"/*.h; do
    case_ "$(basename "$h") has a page"
    p=$(page_of "$h")
    if [ -f "$p.3" ]; then
        pages+=("$p.3")
        pass
    elif [ -f "$p.3.gz" ]; then
        pages+=("$p.3.gz")
        pass
    else
        fail "no $p.3 for $h"
    fi
done

case_ "the headers declare functions"
assert_true "no CERT_EXTERN function found in $inc" test "${#funcs[@]}" -gt 50

# All the pages' text, once.
all=$T_DIR/all-pages
for p in "${pages[@]}"; do
    case $p in *.gz) gzip -dc "$p" ;; *) cat "$p" ;; esac
done >"$all"

for f in "${funcs[@]}"; do
    case_ "$f is documented"
    # roff escapes nothing in an identifier: the name appears as written
    assert_true "$f appears in no page" grep -qw -- "$f" "$all"
    if [ -L "$man3/$f.3" ] || [ -L "$man3/$f.3.gz" ]; then
        link=$man3/$f.3
        [ -L "$link" ] || link=$man3/$f.3.gz
        assert_true "$f's link points to no page" test -f "$link"
    else
        fail "no $f.3 link for 'man $f'"
    fi
done

# Formatting as lintian does (man --warnings): groff's warnings on stderr fail the page.
for p in "${pages[@]}"; do
    case_ "$(basename "$p") formats cleanly"
    run env LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$p"
    assert_exit 0
    assert_err_empty
    if command -v lexgrog >/dev/null; then
        run lexgrog "$p"
        assert_exit 0
        assert_out_contains " - "
    fi
done

finish
