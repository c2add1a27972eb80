#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark for certcheck --distribution --live: a distribution with N aliases (20), every one
# checked by a TLS handshake against a loopback server with D ms (50) added in each direction
# (bench/live_server.py: a relay that holds every chunk, in front of a server that takes
# handshakes concurrently), against one handshake (certcheck --connect), and against the same
# run one handshake at a time (--jobs 1). The AWS side is the emulator on loopback, without
# added latency; its share is measured on its own (--distribution without --live).
#   bench/live.sh [N] [D] [BUILD_DIR]
set -eu
n=${1:-20}
delay=${2:-50}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${3:-${LIBCERT_BUILD_DIR:-$top/build}}
python=$("$top/scripts/python.sh")
export TOP=$top
fx=$build/fixtures
work=$build/bench-data/live
[ -f "$fx/.libcert-fixtures" ] || cmake --build "$build" --target fixtures >/dev/null
rm -rf "$work"
mkdir -p "$work"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true HOME=$work
at="--at 2026-01-01T00:00:00Z --ca-file $fx/root.pem"

now() { date +%s.%N; }
ms() { python3 -c "import sys; print('%.1f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000))" "$1" "$2"; }
median() { python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

emu=$work/emu
endpoint=$("$top/tests/emulator/emu.sh" start "$emu" --deploy-delay 0 --cert-clock 2026-01-01T00:00:00Z)
srv_pid=
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
    "$top/tests/emulator/emu.sh" stop "$emu" >/dev/null 2>&1
}
trap cleanup EXIT
export AWS_ENDPOINT_URL=$endpoint

# the server: the wildcard leaf and its chain, behind the delaying relay
cat "$fx/leaf-wildcard.pem" "$fx/chain.pem" >"$work/fullchain.pem"
"$python" "$top/bench/live_server.py" "$work/fullchain.pem" "$fx/leaf-wildcard.key" "$delay" \
    "$work/port" &
srv_pid=$!
i=0
while [ ! -s "$work/port" ]; do
    i=$((i + 1))
    [ $i -le 200 ] || { echo "live.sh: the server did not start" >&2; exit 1; }
    sleep 0.05
done
port=$(cat "$work/port")

# the distribution: N aliases under the wildcard, its certificate in IAM
"$build/tools/certup" -q $at --name wild "$fx/bundle-wildcard.pem"
id=$("$python" - "$endpoint" "$n" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ["TOP"], "tests", "emulator"))
import emuctl
e = emuctl.connect(sys.argv[1])
iam = e.client("iam")
cert = iam.get_server_certificate(ServerCertificateName="wild")["ServerCertificate"]
d = e.create_distribution(aliases=[f"a{i}.example.com" for i in range(int(sys.argv[2]))],
                          viewer_certificate=cert["ServerCertificateMetadata"]["ServerCertificateId"])
print(d["Id"])
PY
)
# Every name to the relay; DNS would be asked of a loopback port nothing listens on.
dead=127.0.0.1:9
live="--resolve *:$port:127.0.0.1 --dns-server $dead"

ones=""
dists=""
lives=""
serials=""
for k in 1 2 3 4 5; do
    t0=$(now)
    "$build/tools/certcheck" -q $at $live --connect "a1.example.com:$port"
    t1=$(now)
    ones="$ones $(ms "$t0" "$t1")"
    t0=$(now)
    "$build/tools/certcheck" -q $at --distribution "$id"
    t1=$(now)
    dists="$dists $(ms "$t0" "$t1")"
    t0=$(now)
    "$build/tools/certcheck" -q $at --distribution "$id" --live --port "$port" $live
    t1=$(now)
    lives="$lives $(ms "$t0" "$t1")"
done
for k in 1 2 3; do
    t0=$(now)
    "$build/tools/certcheck" -q $at --distribution "$id" --live --port "$port" $live --jobs 1
    t1=$(now)
    serials="$serials $(ms "$t0" "$t1")"
done
"$build/tools/certcheck" --json $at --distribution "$id" --live --port "$port" $live \
    >"$work/live.json"
echo "certcheck --connect (ms):$ones"
echo "certcheck --distribution, no --live (ms):$dists"
echo "certcheck --distribution --live, $n aliases (ms):$lives"
echo "the same, --jobs 1 (ms):$serials"
python3 - "$n" "$delay" "$(median $ones)" "$(median $dists)" "$(median $lives)" \
    "$(median $serials)" "$work/live.json" <<'PY'
import json, sys
n, delay = int(sys.argv[1]), float(sys.argv[2])
one, dist, live, serial = (float(x) for x in sys.argv[3:7])
doc = json.load(open(sys.argv[7]))
names = doc["distribution"]["live"]["names"]
ok = sum(1 for x in names for a in x["addresses"] if a.get("expected", {}) and a["expected"]["matches"])
hs = [a["elapsed_ms"] for x in names for a in x["addresses"] if "elapsed_ms" in a]
print(f"live check of {n} aliases, {delay:.0f} ms added in each direction (medians)")
print(f"  one handshake: certcheck --connect             {one:7.0f} ms")
print(f"  --distribution alone (the AWS side)            {dist:7.0f} ms")
print(f"  --distribution --live, {n} aliases             {live:7.0f} ms  ratio {live / one:.2f}x one "
      f"handshake; the live part {live - dist:.0f} ms = {(live - dist) / one:.2f}x")
print(f"  the same one handshake at a time (--jobs 1)    {serial:7.0f} ms  ratio {serial / one:.2f}x")
print(f"  each handshake inside the run: {min(hs)}-{max(hs)} ms; {ok} of {n} addresses served the "
      f"distribution's certificate")
PY
