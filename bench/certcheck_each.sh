#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark: certcheck --each over N generated bundles (default 1000) in one call, against
#   (a) the usual way: a shell loop of openssl verify -untrusted, openssl x509 -checkend and a key
#       match with openssl pkey -pubout, per bundle;
#   (b) the floor: a minimal single-threaded C loop that only parses each bundle with OpenSSL,
#       verifies its signatures and matches the key (bench/floor.c).
# Prints both times, the ratios and certcheck's peak RSS. Run from anywhere after a build:
#   bench/certcheck_each.sh [N] [BUILD_DIR]
set -eu
n=${1:-1000}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-${LIBCERT_BUILD_DIR:-$top/build}}
fx=$build/fixtures
work=$build/bench-data/each-$n
[ -f "$fx/.libcert-fixtures" ] || cmake --build "$build" --target fixtures >/dev/null
# made once, and again when the fixtures (their CA) were made again
if [ ! -f "$work/.done" ] || [ "$fx/root.pem" -nt "$work/.done" ]; then
    rm -rf "$work"; mkdir -p "$work"
    "$build/bench/bench_mkbundles" "$fx" "$work" "$n" 16
    touch "$work/.done"
fi
cd "$work"
jobs=$(nproc)

now() { date +%s.%N; }
ms() { python3 -c "import sys; print('%.1f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000))" "$1" "$2"; }

echo "bundles: $n (leaf + 2 intermediates + RSA-2048 key each), $(nproc) cores"

# (a) the usual way, one bundle after the other
t0=$(now)
bad=0
for b in bundle-*.pem; do
    openssl verify -CAfile "$fx/root.pem" -untrusted "$b" "$b" >/dev/null 2>&1 || bad=$((bad + 1))
    openssl x509 -in "$b" -noout -checkend 2592000 >/dev/null 2>&1 || bad=$((bad + 1))
    [ "$(openssl pkey -in "$b" -pubout 2>/dev/null)" = "$(openssl x509 -in "$b" -noout -pubkey 2>/dev/null)" ] ||
        bad=$((bad + 1))
done
t1=$(now)
loop_ms=$(ms "$t0" "$t1")
[ "$bad" -eq 0 ] || { echo "openssl loop: $bad failures" >&2; exit 1; }

# (b) the floor
t0=$(now)
"$build/bench/bench_floor" "$fx/root.pem" bundle-*.pem >/dev/null
t1=$(now)
floor_ms=$(ms "$t0" "$t1")

# certcheck, best of 3, with its peak RSS
best=""
for i in 1 2 3; do
    t0=$(now)
    /usr/bin/time -f "%M" -o "$work/rss" "$build/tools/certcheck" --each --jobs "$jobs" --json \
        --ca-file "$fx/root.pem" bundle-*.pem >"$work/out.json"
    t1=$(now)
    t=$(ms "$t0" "$t1")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$t" "$best"; then
        best=$t; rss=$(cat "$work/rss")
    fi
done
python3 - "$work/out.json" "$n" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["results"]) == int(sys.argv[2]), "wrong number of results"
assert all(r["status"] == "ok" for r in d["results"]), "a bundle did not pass"
PY
one=""
t0=$(now)
"$build/tools/certcheck" --each --jobs 1 -q --ca-file "$fx/root.pem" bundle-*.pem
t1=$(now)
one=$(ms "$t0" "$t1")

python3 - "$n" "$loop_ms" "$floor_ms" "$best" "$one" "$rss" "$jobs" <<'PY'
import sys
n, loop, floor, cc, one, rss, jobs = int(sys.argv[1]), *map(float, sys.argv[2:6]), int(sys.argv[6]), int(sys.argv[7])
print(f"openssl shell loop       {loop/1000:8.3f} s  {loop/n:7.3f} ms/bundle")
print(f"floor (C, 1 thread)      {floor/1000:8.3f} s  {floor/n:7.3f} ms/bundle")
print(f"certcheck --jobs 1       {one/1000:8.3f} s  {one/n:7.3f} ms/bundle")
print(f"certcheck --jobs {jobs:<2}      {cc/1000:8.3f} s  {cc/n:7.3f} ms/bundle  (--json, best of 3)")
print(f"ratio openssl loop / certcheck: {loop/cc:6.1f}x   (target >= 100x)")
print(f"ratio certcheck / floor:        {cc/floor:6.2f}    (target <= 1.00)")
print(f"threads gain (jobs 1 / jobs {jobs}): {one/cc:5.2f}x")
print(f"certcheck peak RSS: {rss/1024:.1f} MiB   (target < 20 MiB)")
PY
