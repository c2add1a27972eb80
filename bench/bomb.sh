#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark: the path-building bomb (tests/fixtures/pki.py, pki/bomb.pem: 6 layers of 4 same-name
# CAs, each cross-signed by every CA of the layer above, no key identifiers, no root: 4^6 paths
# and 1,536 candidate links, none valid) against a bundle with one valid path (bundle-good.pem)
# and one whose better-ranked path fails so that the builder backtracks (pki/cross-short-bad.pem).
# Prints, for each: certcheck's time for one run (a process, best of N) and per bundle in one
# --each run over M copies (--jobs 1), the search's counters (from -v) against the bounds
# (CERT_CHAIN_LIMIT_*), and `openssl verify` on the bomb for reference. Run after a build:
#   bench/bomb.sh [N] [BUILD_DIR]
# Target: the bomb is bounded (a bound reached, every counter within its limit) and costs less
# than 50 one-path bundles (ratio bomb / good, one process each, below 50).
set -eu
n=${1:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-${LIBCERT_BUILD_DIR:-$top/build}}
fx=$build/fixtures
work=$build/bench-data/bomb
[ -f "$fx/.libcert-fixtures" ] || cmake --build "$build" --target fixtures >/dev/null
cc=$build/tools/certcheck
at="--at 2026-01-01T00:00:00Z"
m=100

rm -rf "$work"
mkdir -p "$work"
for i in $(seq 1 $m); do
    cp "$fx/pki/bomb.pem" "$work/bomb-$i.pem"
    cp "$fx/bundle-good.pem" "$work/good-$i.pem"
    cp "$fx/pki/cross-short-bad.pem" "$work/cross-$i.pem"
done

now() { date +%s.%N; }
ms() { python3 -c "import sys; print('%.2f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000))" "$1" "$2"; }
min() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }

# best of n single runs of: "$@"
best_of() {
    times=""
    for i in $(seq 1 "$n"); do
        t0=$(now)
        "$@" >/dev/null 2>&1 || true
        t1=$(now)
        times="$times $(ms "$t0" "$t1")"
    done
    # shellcheck disable=SC2086  # a list of numbers
    min $times
}

# one --each run over the m copies of "$1", ms per bundle
each() {
    t0=$(now)
    # shellcheck disable=SC2086  # the copies
    "$cc" $at --each --jobs 1 -q --ca-file "$2" $work/$1-*.pem || true
    t1=$(now)
    python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) / int(sys.argv[2])))" "$(ms "$t0" "$t1")" "$m"
}

# the search's counters, from -v's path line
counters() {
    # shellcheck disable=SC2086  # $at is two words
    "$cc" $at -v --ca-file "$2" "$1" 2>/dev/null | sed -n 's/^  path .*(\(.*\))$/\1/p'
}

good_one=$(best_of "$cc" $at --ca-file "$fx/root.pem" "$fx/bundle-good.pem")
cross_one=$(best_of "$cc" $at --ca-file "$fx/pki/cross-ca.pem" "$fx/pki/cross-short-bad.pem")
bomb_one=$(best_of "$cc" $at --ca-file "$fx/root.pem" "$fx/pki/bomb.pem")
good_each=$(each good "$fx/root.pem")
cross_each=$(each cross "$fx/pki/cross-ca.pem")
bomb_each=$(each bomb "$fx/root.pem")
leaf=$work/bomb-leaf.pem
awk '/BEGIN CERTIFICATE/ {i++} i == 1 {print} /END CERTIFICATE/ && i == 1 {exit}' \
    "$fx/pki/bomb.pem" >"$leaf"
ossl=$(best_of openssl verify -attime 1767225600 -CAfile "$fx/root.pem" -untrusted "$fx/pki/bomb.pem" "$leaf")

echo "bundles: bundle-good.pem (1 path), pki/cross-short-bad.pem (backtracks), pki/bomb.pem" \
    "(4^6 paths); $(nproc) cores"
printf '%-26s %10s %18s   %s\n' "" "1 run (ms)" "--each (ms/bundle)" "search"
printf '%-26s %10s %18s   %s\n' "one valid path" "$good_one" "$good_each" \
    "$(counters "$fx/bundle-good.pem" "$fx/root.pem")"
printf '%-26s %10s %18s   %s\n' "backtracking (2 paths)" "$cross_one" "$cross_each" \
    "$(counters "$fx/pki/cross-short-bad.pem" "$fx/pki/cross-ca.pem")"
printf '%-26s %10s %18s   %s\n' "bomb" "$bomb_one" "$bomb_each" \
    "$(counters "$fx/pki/bomb.pem" "$fx/root.pem")"
printf '%-26s %10s\n' "openssl verify, bomb" "$ossl"
echo "bounds: 64 paths, 1024 signature checks, 8192 issuer candidates, 20000 steps (CERT_CHAIN_LIMIT_*)"
python3 - "$bomb_one" "$good_one" "$bomb_each" "$good_each" <<'PY'
import sys
b1, g1, be, ge = map(float, sys.argv[1:5])
print(f"ratio bomb / one valid path, 1 run:   {b1 / g1:6.2f}    (target < 50)")
print(f"ratio bomb / one valid path, --each:  {be / ge:6.2f}")
PY
