#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Put an SPDX license line at the top of every tracked source file, or (--check) list the files
# that lack one.
#
#   scripts/spdx.sh           add the line where it is missing (safe to run again)
#   scripts/spdx.sh --check   print the files without it and exit 1 when there is any
#
# Which files, and where the line goes:
#   *.c, *.h                        first line: /* SPDX-License-Identifier: Apache-2.0 */
#   *.sh, *.py, CMakeLists.txt,     first line, or right after the #! line (and after a Python
#   *.cmake, *.cmake.in, and any    coding line that follows it, which must stay on line 2):
#   other file whose first line     # SPDX-License-Identifier: Apache-2.0
#   is a #! for sh, bash or python
# A file that already has an SPDX-License-Identifier line among its first three lines, whatever
# the license it names (a file taken from elsewhere keeps its own), is left alone and passes
# --check. Only files git tracks are read; symbolic links are skipped. File modes are kept.
set -eu

id=Apache-2.0
c_tag="/* SPDX-License-Identifier: $id */"
hash_tag="# SPDX-License-Identifier: $id"

check=0
case ${1:-} in
--check) check=1 ;;
"") ;;
-h | --help)
    sed -n '2,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' "$0"
    exit 0
    ;;
*)
    echo "spdx.sh: unknown argument '$1'; try 'spdx.sh --help'" >&2
    exit 2
    ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# style FILE: prints "c", "hash" or nothing (not a file this script handles).
style()
{
    case ${1##*/} in
    *.c | *.h) echo c ;;
    *.sh | *.py | CMakeLists.txt | *.cmake | *.cmake.in) echo hash ;;
    *.*) ;;
    *)
        # extension-less scripts (.ci/run): by their #! line
        if head -n 1 "$1" | grep -Eq '^#!.*(/|env +)(ba)?sh( |$)|^#!.*python'; then
            echo hash
        fi
        ;;
    esac
}

has_tag()
{
    head -n 3 "$1" | grep -q 'SPDX-License-Identifier:'
}

# add FILE STYLE: write the tag into FILE, keeping its mode (the new text goes through cat).
add()
{
    tmp=$(mktemp "${1%/*}/.spdx.XXXXXX" 2>/dev/null || mktemp)
    if [ "$2" = c ]; then
        { printf '%s\n' "$c_tag"; cat "$1"; } >"$tmp"
    else
        awk -v tag="$hash_tag" '
            NR == 1 && /^#!/ { print; shebang = 1; next }
            NR == 1 { print tag; print; done = 1; next }
            NR == 2 && !done && /^#.*coding[:=]/ { print; next }
            !done { print tag; done = 1 }
            { print }
            END { if (!done) print tag }' "$1" >"$tmp"
    fi
    cat "$tmp" >"$1"
    rm -f "$tmp"
}

missing=0
list=$(mktemp)
trap 'rm -f "$list"' EXIT
git ls-files -z | tr '\0' '\n' >"$list"
while IFS= read -r f; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    s=$(style "$f")
    [ -n "$s" ] || continue
    has_tag "$f" && continue
    if [ $check = 1 ]; then
        echo "$f"
        missing=$((missing + 1))
    else
        add "$f" "$s"
        echo "spdx.sh: $f"
    fi
done <"$list"

if [ $check = 1 ] && [ $missing -gt 0 ]; then
    echo "spdx.sh: $missing files without an SPDX-License-Identifier line (scripts/spdx.sh adds it)" >&2
    exit 1
fi
exit 0
