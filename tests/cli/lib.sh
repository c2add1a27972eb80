# SPDX-License-Identifier: Apache-2.0
# tests/cli/lib.sh: helpers shared by the CLI tests (sourced by tests/cli/test_*.sh, never run).
#
# Environment (set by ctest, see tests/CMakeLists.txt): LIBCERT_BIN (directory of the built
# tools), LIBCERT_FIXTURES (output of tests/fixtures/gen.sh), LIBCERT_SRC, LIBCERT_BUILD.
#
#   case_ "what"            names the checks that follow (shown on failure)
#   run CMD...              runs CMD: stdout in the file $T_OUT, stderr in $T_ERR, exit code in
#                           $RC, wall time in $MS (milliseconds); run_timeout SECS CMD... too,
#                           killing CMD after SECS
#   assert_exit N...        $RC is one of N...
#   assert_out_empty / assert_err_empty
#   assert_out_contains S / assert_err_contains S / assert_err_lacks S / assert_out_lacks S
#   assert_err_line RE      some stderr line matches the extended regex RE
#   assert_json EXPR...     stdout parses (whole) as one JSON document `d` and every python
#                           EXPR is true; helpers: sev(code) = set of severities of `code` in
#                           d["findings"], codes() = set of (code, severity) pairs,
#                           load(path) = another JSON file (e.g. an earlier run's $T_OUT). Evaluated
#                           in one batch by finish (a python start costs 50-100 ms): each run
#                           keeps its own output files, and failures show their context.
#   assert_eq WHAT EXPECTED OBSERVED, assert_true WHAT CMD..., assert_mode FILE MODE,
#   assert_same WHAT FILE1 FILE2 (assert_same_text for text files), assert_dir_empty DIR,
#   assert_absent FILE..., assert_present FILE..., assert_no_tmp DIR, names_in DIR
#   newdir NAME             makes a fresh empty directory, path in $NEWDIR
#   finish                  prints the summary line; exit status 1 on any failure, 77 (ctest's
#                           SKIP_RETURN_CODE) when nothing was checked and something skipped
#
# LIBCERT_TOOL_WRAPPER (e.g. "valgrind --error-exitcode=99 --leak-check=full"): every tool run
# through $B runs under it, its messages in $T_DIR/wrapper/ (not on the tool's stderr, which the
# tests read); finish fails the test when any of them is not empty (see .ci/run).
# Every test gets a private temporary directory $T_DIR, removed by a trap.

set -u
set -o pipefail

if [ -z "${LIBCERT_BIN:-}" ] || [ -z "${LIBCERT_FIXTURES:-}" ]; then
    echo "$(basename "$0"): set LIBCERT_BIN and LIBCERT_FIXTURES (ctest does)" >&2
    exit 1
fi
if [ ! -e "$LIBCERT_FIXTURES/.libcert-fixtures" ]; then
    echo "$(basename "$0"): $LIBCERT_FIXTURES holds no fixtures; build the 'fixtures' target" >&2
    exit 1
fi
export NO_COLOR=1
export LC_ALL=C

B=$LIBCERT_BIN
F=$LIBCERT_FIXTURES
CLI_B=$LIBCERT_BIN # the tools themselves, when $B is the wrapper's directory
CLI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LE=$F/letsencrypt/live/www.example.com
# Pinned time and the main trust anchor: no test depends on the date or the system store.
AT_OPT=(--at 2026-01-01T00:00:00Z)
BASE=(--at 2026-01-01T00:00:00Z --ca-file "$F/root.pem")
ATTIME=1767225600
PASS=test-pass
# The interpreter itself, not a version manager's shim (pyenv's costs 0.3 s a start).
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x "${PY:-}" ] || PY=$(command -v python3)

T_NAME=$(basename "$0" .sh)
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/libcert-$T_NAME.XXXXXX")
T_RUNS=0
T_OUT=$T_DIR/.run0.out
T_ERR=$T_DIR/.run0.err
T_JSON=$T_DIR/.json-checks
: >"$T_OUT"
: >"$T_ERR"
: >"$T_JSON"
T_CHECKS=0
T_FAILED=0
T_SKIPPED=0
T_CASE=""
T_CMD=""
T_FINISHED=0
T_START=$EPOCHREALTIME

# The tools under LIBCERT_TOOL_WRAPPER: $B becomes a directory of scripts that run each tool
# through it; "{log}" in it becomes a file per process in $T_DIR/wrapper/.
if [ -n "${LIBCERT_TOOL_WRAPPER:-}" ]; then
    mkdir "$T_DIR/wrapped" "$T_DIR/wrapper"
    for _t in "$CLI_B"/*; do
        [ -f "$_t" ] && [ -x "$_t" ] || continue
        printf '#!/bin/sh\nexec %s %q "$@"\n' \
            "${LIBCERT_TOOL_WRAPPER//\{log\}/$T_DIR/wrapper/${_t##*/}.%p.log}" "$_t" \
            >"$T_DIR/wrapped/${_t##*/}"
        chmod +x "$T_DIR/wrapped/${_t##*/}"
    done
    B=$T_DIR/wrapped
fi

# A wrapper's complaints (valgrind's errors and leaks) fail the test. Not valgrind's own notice
# that it lacks mlock2 (syscall 325, which OpenSSL's secure heap tries first and then falls back
# to mlock, as it does on any kernel without it): that block of "--PID--" lines is dropped.
_wrapper_check()
{
    local f

    [ -d "$T_DIR/wrapper" ] || return 0
    for f in "$T_DIR/wrapper"/*; do
        awk '/^--[0-9]+-- WARNING: unhandled amd64-linux syscall: 325$/ { skip = 1; next }
             skip && /^--[0-9]+-- / { next }
             { skip = 0; print }' "$f" >"$f.kept" && mv "$f.kept" "$f"
        [ -s "$f" ] || continue
        T_CHECKS=$((T_CHECKS + 1))
        T_FAILED=$((T_FAILED + 1))
        echo "FAIL [$LIBCERT_TOOL_WRAPPER] ${f##*/}:"
        head -n 40 "$f" | sed 's/^/    | /'
    done
}
RC=0 MS=0

_cleanup()
{
    local rc=$?

    rm -rf "$T_DIR"
    if [ "$T_FINISHED" != 1 ]; then
        echo "$T_NAME: aborted after $T_CHECKS checks ($T_FAILED failed)" >&2
        [ "$rc" = 0 ] && rc=1
    fi
    exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Milliseconds since the epoch.
now_ms()
{
    local t=${EPOCHREALTIME/./}

    echo $((t / 1000))
}

case_()
{
    T_CASE=$*
    [ -n "${VERBOSE:-}" ] && echo "# $T_CASE"
    return 0
}

_next_run()
{
    T_RUNS=$((T_RUNS + 1))
    T_OUT=$T_DIR/.run$T_RUNS.out
    T_ERR=$T_DIR/.run$T_RUNS.err
    T_CMD=$(printf '%q ' "$@")
}

run()
{
    local t0

    _next_run "$@"
    t0=$(now_ms)
    "$@" >"$T_OUT" 2>"$T_ERR"
    RC=$?
    MS=$(($(now_ms) - t0))
}

run_timeout()
{
    local secs=$1 t0

    shift
    _next_run "$@"
    t0=$(now_ms)
    timeout -k 2 "$secs" "$@" >"$T_OUT" 2>"$T_ERR"
    RC=$?
    MS=$(($(now_ms) - t0))
}

_show()
{
    local label=$1 file=$2

    if [ -s "$file" ]; then
        echo "  $label:"
        head -n 8 "$file" | cut -c1-300 | sed 's/^/    | /'
        [ "$(wc -l <"$file")" -gt 8 ] && echo "    | ..."
    else
        echo "  $label: (empty)"
    fi
}

pass()
{
    T_CHECKS=$((T_CHECKS + 1))
}

# fail MESSAGE: record a failure; shows the last command and its output.
fail()
{
    T_CHECKS=$((T_CHECKS + 1))
    T_FAILED=$((T_FAILED + 1))
    echo "FAIL [$T_CASE] $*"
    if [ -n "$T_CMD" ]; then
        echo "  cmd: $T_CMD(exit $RC)"
        _show stdout "$T_OUT"
        _show stderr "$T_ERR"
    fi
}

skip()
{
    T_SKIPPED=$((T_SKIPPED + 1))
    echo "SKIP [$T_CASE] $*"
}

assert_exit()
{
    local want

    for want in "$@"; do
        if [ "$RC" = "$want" ]; then
            pass
            return 0
        fi
    done
    fail "exit code $RC, expected $*"
}

assert_out_empty()
{
    if [ -s "$T_OUT" ]; then fail "stdout should be empty"; else pass; fi
}

assert_err_empty()
{
    if [ -s "$T_ERR" ]; then fail "stderr should be empty"; else pass; fi
}

# _has FILE STRING: FILE contains STRING (builtins only: no process started).
_has()
{
    local text=""

    IFS= read -r -d '' text <"$1"
    [[ $text == *"$2"* ]]
}

assert_out_contains()
{
    if _has "$T_OUT" "$1"; then pass; else fail "stdout lacks '$1'"; fi
}

assert_err_contains()
{
    if _has "$T_ERR" "$1"; then pass; else fail "stderr lacks '$1'"; fi
}

assert_out_lacks()
{
    if _has "$T_OUT" "$1"; then fail "stdout should not contain '$1'"; else pass; fi
}

assert_err_lacks()
{
    if _has "$T_ERR" "$1"; then fail "stderr should not contain '$1'"; else pass; fi
}

# assert_err_line RE: some stderr line matches the (bash) extended regular expression RE.
assert_err_line()
{
    local line

    while IFS= read -r line; do
        if [[ $line =~ $1 ]]; then
            pass
            return 0
        fi
    done <"$T_ERR"
    fail "no stderr line matches /$1/"
}

# assert_diag TOOL INPUT: stderr carries "TOOL: INPUT: <problem>; <fix>" (style.md section 6).
assert_diag()
{
    local tool=$1 input=$2 line rest

    while IFS= read -r line; do
        [[ $line == "$tool: $input: "* ]] || continue
        rest=${line#"$tool: $input: "}
        if [[ $rest == ?*"; "?* ]]; then
            pass
            return 0
        fi
    done <"$T_ERR"
    fail "stderr has no line '$tool: $input: <problem>; <fix>'"
}

# assert_usage TOOL: exit 2, nothing on stdout, one line plus "try 'TOOL --help'" on stderr.
assert_usage()
{
    local tool=$1 lines

    assert_exit 2
    assert_out_empty
    mapfile -t lines <"$T_ERR"
    if [ "${#lines[@]}" = 2 ] && [[ ${lines[0]} == "$tool: "?* ]] &&
        [ "${lines[1]}" = "try '$tool --help'" ]; then
        pass
    else
        fail "usage message should be '$tool: <problem>' then \"try '$tool --help'\" (${#lines[@]} lines)"
    fi
}

# Records: case, command, exit code, stdout file, stderr file, then the expressions; fields
# separated by \x1f, expressions by \x1e.
assert_json()
{
    local IFS=$'\x1e'

    printf '%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\n' "$T_CASE" "$T_CMD" "$RC" "$T_OUT" "$T_ERR" \
        "$*" >>"$T_JSON"
}

_JSON_PY='
import json, sys

def findings(doc):
    if not isinstance(doc, dict):
        return []
    return doc.get("findings") or []

def show(label, path):
    try:
        data = open(path, "rb").read().decode("utf-8", "replace")
    except OSError:
        data = ""
    if not data:
        print("  %s: (empty)" % label)
        return
    print("  %s:" % label)
    lines = data.splitlines()
    for l in lines[:8]:
        print("    | " + l[:300])
    if len(lines) > 8:
        print("    | ...")

passed = failed = 0
for rec in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if not rec:
        continue
    case, cmd, rc, out, err, exprs = rec.split("\x1f")
    bad = []
    try:
        d = json.loads(open(out, encoding="utf-8").read())
    except Exception as e:
        bad.append("stdout is not exactly one JSON document: %s" % e)
    else:
        env = {"d": d, "json": json,
               "load": lambda path: json.loads(open(path, encoding="utf-8").read()),
               "codes": lambda doc=None: {(f["code"], f["severity"])
                                          for f in findings(d if doc is None else doc)},
               "sev": lambda code, doc=None: {f["severity"]
                                              for f in findings(d if doc is None else doc)
                                              if f["code"] == code}}
        for e in exprs.split("\x1e"):
            try:
                ok = eval(e, env)
            except Exception as ex:
                ok, e = False, "%s (raised %r)" % (e, ex)
            if not ok:
                bad.append("false: " + e)
    if bad:
        failed += 1
        print("FAIL [%s] json: %s" % (case, "; ".join(bad)))
        print("  cmd: %s(exit %s)" % (cmd, rc))
        show("stdout", out)
        show("stderr", err)
    else:
        passed += 1
print("JSONRESULT %d %d" % (passed, failed))
'

# Evaluate the recorded JSON checks now (finish does it too).
json_flush()
{
    local line p f

    [ -s "$T_JSON" ] || return 0
    while IFS= read -r line; do
        case $line in
        "JSONRESULT "*)
            read -r _ p f <<<"$line"
            T_CHECKS=$((T_CHECKS + p + f))
            T_FAILED=$((T_FAILED + f))
            ;;
        *) echo "$line" ;;
        esac
    done < <("$PY" -I -S -c "$_JSON_PY" "$T_JSON" 2>&1 || echo "JSONRESULT 0 1")
    : >"$T_JSON"
}

assert_eq()
{
    if [ "$2" = "$3" ]; then pass; else fail "$1: expected '$2', got '$3'"; fi
}

assert_true()
{
    local what=$1

    shift
    if "$@" >/dev/null 2>&1; then pass; else fail "$what"; fi
}

assert_false()
{
    local what=$1

    shift
    if "$@" >/dev/null 2>&1; then fail "$what"; else pass; fi
}

assert_mode()
{
    local m

    m=$(stat -c %a "$1" 2>/dev/null)
    if [ "$m" = "$2" ]; then pass; else fail "mode of $1 is '${m:-missing}', expected $2"; fi
}

assert_same()
{
    if cmp -s "$2" "$3"; then pass; else fail "$1: $2 and $3 differ"; fi
}

# assert_same_text WHAT FILE1 FILE2: as assert_same, for text (no NUL byte), without a process.
assert_same_text()
{
    local a="" b=""

    if [ -e "$2" ] && [ -e "$3" ]; then
        IFS= read -r -d '' a <"$2"
        IFS= read -r -d '' b <"$3"
        if [ "$a" = "$b" ]; then
            pass
            return 0
        fi
    fi
    fail "$1: $2 and $3 differ"
}

# names_in DIR: the names in DIR (hidden ones too), sorted, space-separated, in $NAMES.
names_in()
{
    local f ng=0 dg=0

    shopt -q nullglob && ng=1
    shopt -q dotglob && dg=1
    shopt -s nullglob dotglob
    NAMES=""
    for f in "$1"/*; do
        NAMES+="${NAMES:+ }${f##*/}"
    done
    [ "$ng" = 1 ] || shopt -u nullglob
    [ "$dg" = 1 ] || shopt -u dotglob
}

assert_dir_empty()
{
    names_in "$1"
    if [ -z "$NAMES" ]; then pass; else fail "$1 should be empty; holds: $NAMES"; fi
}

assert_absent()
{
    local f

    for f in "$@"; do
        if [ -e "$f" ] || [ -L "$f" ]; then fail "$f should not exist"; else pass; fi
    done
}

assert_present()
{
    local f

    for f in "$@"; do
        if [ -f "$f" ]; then pass; else fail "$f should exist"; fi
    done
}

# No leftover temporaries (".NAME.tmp-XXXXXX", as libcert's atomic writer names them).
assert_no_tmp()
{
    local n left=""

    names_in "$1"
    for n in $NAMES; do
        [[ $n == .*.tmp-* ]] && left+=" $n"
    done
    if [ -z "$left" ]; then pass; else fail "temporary files left in $1:$left"; fi
}

# newdir NAME: a fresh empty directory under $T_DIR, in $NEWDIR.
T_NDIRS=0
newdir()
{
    T_NDIRS=$((T_NDIRS + 1))
    NEWDIR=$T_DIR/$1.$T_NDIRS
    mkdir "$NEWDIR"
}

# Subjects (openssl's RFC 2253-ish one-line form) of every certificate in a PEM file, in order.
pem_subjects()
{
    openssl crl2pkcs7 -nocrl -certfile "$1" | openssl pkcs7 -print_certs -noout |
        sed -n 's/^subject=//p'
}

pem_issuers()
{
    openssl crl2pkcs7 -nocrl -certfile "$1" | openssl pkcs7 -print_certs -noout |
        sed -n 's/^issuer=//p'
}

# SHA-256 fingerprints of every certificate in a PEM file, in order.
pem_fingerprints()
{
    local dir

    dir=$(mktemp -d "$T_DIR/fp.XXXXXX")
    awk -v d="$dir" '/-----BEGIN CERTIFICATE-----/ {n++} n {print > (d "/" n ".pem")}
                     /-----END CERTIFICATE-----/ {close(d "/" n ".pem")}' "$1"
    for f in $(ls "$dir" | sort -n); do
        openssl x509 -in "$dir/$f" -noout -fingerprint -sha256 | cut -d= -f2
    done
    rm -rf "$dir"
}

finish()
{
    local secs

    json_flush
    _wrapper_check
    secs=$(((${EPOCHREALTIME/./} - ${T_START/./}) / 1000))
    T_FINISHED=1
    printf '%s: %d checks, %d failed, %d skipped (%d.%03d s)\n' "$T_NAME" "$T_CHECKS" \
        "$T_FAILED" "$T_SKIPPED" $((secs / 1000)) $((secs % 1000))
    if [ "$T_FAILED" -gt 0 ]; then
        exit 1
    fi
    if [ "$T_CHECKS" = 0 ]; then
        [ "$T_SKIPPED" -gt 0 ] && exit 77
        exit 1
    fi
    exit 0
}
