#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark for the IAM step, in one run against one local emulator:
#   1. the seed workflow per certificate (openssl x509, openssl pkey, the chain cut out with the
#      OpenSSL CLI, aws iam upload-server-certificate) against certup, over N bundles (20);
#   2. certup against its floor: an empty program linked against the same libraries, plus the
#      emulator's own time for one UploadServerCertificate from a raw HTTP client;
#   3. certup again with 900 certificates in the account (its cost must not grow: it never
#      lists the account to upload one);
#   4. certls over 1,000 certificates against the emulator's own time for the fewest requests
#      that fetch them (one ListServerCertificates of 1,000, one GetAccountSummary) and against
#      aws iam list-server-certificates;
#   5. certup --store acm against its floor (the empty program, plus the least an idempotent ACM
#      import does: ListCertificates naming the leaf's key type, its answer read for earlier
#      imports under the leaf's names (no program knows whether its import was made already
#      without reading it; Python's json, the raw client's own), then ImportCertificate on a
#      connection of its own, since no program may let its HTTP client resend it), beside the IAM
#      upload's ratio over its own floor; the ratio over the floor without the read is printed too;
#   6. certls --store all over 1,000 IAM and 1,000 ACM certificates: the requests it makes (the
#      fewest: one ListServerCertificates, one GetAccountSummary, one ListCertificates) and its
#      time against the raw requests one after the other and side by side.
#   bench/certup.sh [N] [BUILD_DIR]
set -eu
n=${1:-20}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-${LIBCERT_BUILD_DIR:-$top/build}}
python=$("$top/scripts/python.sh")
# The interpreter's own directory first, so that aws is the AWS CLI itself: a version manager's
# shim in front of it (pyenv's here) costs ~250 ms a call that is not the AWS CLI's.
PATH=$("$python" -c 'import os, sys; print(os.path.dirname(sys.executable))'):$PATH
fx=$build/fixtures
work=$build/bench-data/certup
[ -f "$fx/.libcert-fixtures" ] || cmake --build "$build" --target fixtures >/dev/null
rm -rf "$work"
mkdir -p "$work/seed" "$work/bundles" "$work/raw"
"$build/bench/bench_mkbundles" "$fx" "$work/bundles" "$n" 4
"$build/bench/bench_mkbundles" "$fx" "$work/raw" "$n" 4

emu=$work/emu
endpoint=$("$top/tests/emulator/emu.sh" start "$emu" --quota 2000)
trap '"$top/tests/emulator/emu.sh" stop "$emu" >/dev/null 2>&1' EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL=$endpoint HOME=$work
reset() { curl -s -X POST "$endpoint/_emu/reset" >/dev/null; }

now() { date +%s.%N; }
ms() { python3 -c "import sys; print('%.2f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000))" "$1" "$2"; }

# 1. the seed workflow and certup, and 2. the empty program of the floor, interleaved bundle by
# bundle (bench/certup_runs.py: a drift of the machine's speed weighs on both sides alike)
reset
set -- $("$python" "$top/bench/certup_runs.py" upload "$endpoint" "$build" "$fx/root.pem" \
    "$work/seed" "$work"/bundles/bundle-*.pem)
seed_ms=$1
certup_ms=$2
empty_ms=$3
uploads=$(curl -s "$endpoint/_emu/log" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["requests"] if r["action"]=="UploadServerCertificate" and r["status"]==200))')
[ "$uploads" -eq $((2 * n)) ] || { echo "expected $((2 * n)) uploads, saw $uploads" >&2; exit 1; }
# the emulator's own time for one upload, from a raw client
reset
raw_ms=$("$python" "$top/bench/raw_iam.py" "$endpoint" upload "$work"/raw/bundle-*.pem)

# 3. certup with 900 certificates in the account
reset
"$python" "$top/bench/raw_iam.py" "$endpoint" fill 900 "$work/raw/bundle-00000.pem"
t0=$(now)
for b in "$work"/bundles/bundle-*.pem; do
    "$build/tools/certup" -q --ca-file "$fx/root.pem" "$b"
done
t1=$(now)
certup900_ms=$(ms "$t0" "$t1")

# 4. certls over 1,000
"$python" "$top/bench/raw_iam.py" "$endpoint" fill $((1000 - 900 - n)) "$work/raw/bundle-00001.pem" 900
count=$(aws iam list-server-certificates --query 'length(ServerCertificateMetadataList)')
# certls, the empty program and the raw requests (one ListServerCertificates of 1,000, one
# GetAccountSummary), interleaved round by round, 11 rounds; medians
set -- $("$python" "$top/bench/certup_runs.py" list "$endpoint" "$build" "$work/certls.json" 11)
certls_ms=$1
empty_ls_ms=$2
rawlist_ms=$3
ls_ratio=$4
listed=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["ServerCertificateMetadataList"]))' "$work/certls.json")
[ "$listed" = "$count" ] || { echo "certls listed $listed, the AWS CLI $count" >&2; exit 1; }
t0=$(now)
aws iam list-server-certificates >/dev/null
t1=$(now)
awsls_ms=$(ms "$t0" "$t1")

# 5. certup --store acm against its floor, beside certup (IAM) against its own, bundle by bundle
#    under the same load (an emptied account)
reset
set -- $("$python" "$top/bench/certup_runs.py" upload-acm "$endpoint" "$build" "$fx/root.pem" \
    "$work"/bundles/bundle-*.pem "$work"/raw/bundle-*.pem)
iam2_ms=$1
acm_ms=$2
acm_empty_ms=$3
iam_raw2_ms=$4
acm_raw_ms=$5
iam_cpu_ms=$6
acm_cpu_ms=$7
acm_read_ms=$8
imports=$(curl -s "$endpoint/_emu/log" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["requests"] if r["action"]=="ImportCertificate" and r["status"]==200))')
[ "$imports" -eq $((2 * n)) ] || { echo "expected $((2 * n)) imports, saw $imports" >&2; exit 1; }

# 6. certls --store all over 1,000 + 1,000
reset
"$python" "$top/bench/raw_iam.py" "$endpoint" fill 1000 "$work/raw/bundle-00000.pem"
"$python" "$top/bench/raw_acm.py" "$endpoint" fill 1000 "$work/raw/bundle-00001.pem"
curl -s -X DELETE "$endpoint/_emu/log" >/dev/null
"$build/tools/certls" --store all --json > "$work/certls-all.json"
all_requests=$(curl -s "$endpoint/_emu/log" | python3 -c 'import json,sys; print(" ".join(sorted(r["action"] for r in json.load(sys.stdin)["requests"])))')
all_listed=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["ServerCertificateMetadataList"]), len(d["CertificateSummaryList"]))' "$work/certls-all.json")
set -- $("$python" "$top/bench/certup_runs.py" list-all "$endpoint" "$build" "$work/certls-all.json" 11)
all_ms=$1
all_empty_ms=$2
all_seq_ms=$3
all_side_ms=$4
all_ratio=$5
python3 - "$n" "$iam2_ms" "$acm_empty_ms" "$iam_raw2_ms" "$acm_ms" "$acm_raw_ms" \
    "$all_ms" "$all_empty_ms" "$all_seq_ms" "$all_side_ms" "$all_ratio" "$all_requests" "$all_listed" \
    "$iam_cpu_ms" "$acm_cpu_ms" "$acm_read_ms" <<'PY'
import sys
n = int(sys.argv[1])
certup, empty, raw, acm, acm_raw = (float(x) for x in sys.argv[2:7])
all_ms, all_empty, all_seq, all_side, all_ratio = (float(x) for x in sys.argv[7:12])
per = lambda t: t / n
iam_floor = per(empty + raw)
acm_floor = per(empty + acm_raw)
print(f"certup (IAM), same rounds              {per(certup):8.1f} ms/certificate; floor {per(empty):.1f} ms "
      f"empty program + {per(raw):.1f} ms raw UploadServerCertificate")
acm_read = float(sys.argv[16])
print(f"certup --store acm                     {per(acm):8.1f} ms/certificate; floor {per(empty):.1f} ms "
      f"empty program + {per(acm_raw):.1f} ms raw ListCertificates, read ({per(acm_read):.2f} ms), "
      f"+ ImportCertificate (on a new connection)")
print(f"  ratio certup --store acm / its floor: {per(acm) / acm_floor:6.2f}   (IAM, interleaved with it: "
      f"{per(certup) / iam_floor:.2f}; target: no more)")
print(f"  over the floor without reading the listing: {per(acm) / (acm_floor - per(acm_read)):.2f}")
print(f"  beyond the floor: ACM {per(acm) - acm_floor:.1f} ms, IAM {per(certup) - iam_floor:.1f} ms; "
      f"CPU (user + system, median): ACM {float(sys.argv[15]):.1f} ms, IAM {float(sys.argv[14]):.1f} ms")
print(f"certls --store all over {sys.argv[13].replace(' ', ' IAM + ')} ACM certificates: {all_ms:.1f} ms (median of 11)")
print(f"  requests: {sys.argv[12]}")
print(f"  raw requests one after the other {all_seq:.1f} ms, IAM's and ACM's side by side at best "
      f"{all_side:.1f} ms; empty program {all_empty:.1f} ms")
print(f"  ratio certls / (sequential raw + start-up): {all_ratio:6.2f}   (below 1: the two listings overlap)")
PY

python3 - "$n" "$seed_ms" "$certup_ms" "$empty_ms" "$raw_ms" "$certup900_ms" "$count" "$certls_ms" "$rawlist_ms" "$awsls_ms" "$empty_ls_ms" "$ls_ratio" <<'PY'
import sys
n = int(sys.argv[1])
seed, certup, empty, raw, certup900 = (float(x) for x in sys.argv[2:7])
count = int(sys.argv[7])
certls, rawlist, awsls, empty_ls, ls_ratio = (float(x) for x in sys.argv[8:13])
per = lambda t: t / n
floor = per(empty) + raw
print(f"certificates uploaded: {n}")
print(f"seed workflow (openssl x3 + aws iam)  {per(seed):8.1f} ms/certificate")
print(f"certup                                 {per(certup):8.1f} ms/certificate")
print(f"  ratio seed / certup:                 {seed / certup:8.1f}x   (target >= 40x)")
print(f"floor: empty program {per(empty):.1f} ms + raw upload {raw:.1f} ms = {floor:.1f} ms")
print(f"  ratio certup / floor:                {per(certup) / floor:8.2f}    (target <= 1.5)")
print(f"  ceiling seed / floor:                {per(seed) / floor:8.1f}x   (what a certup that costs "
      f"nothing beyond its floor would reach on this machine)")
print(f"  for 40x certup would take {per(seed) / 40:.1f} ms: {per(seed) / 40 / floor:.2f}x its floor")
print(f"certup with 900 certificates in IAM   {per(certup900):8.1f} ms/certificate "
      f"({per(certup900) / per(certup):.2f}x the empty account)")
print(f"certls over {count} certificates        {certls:8.1f} ms  (median of 11)")
print(f"  emulator's own time (1 list of 1,000 + 1 summary, raw client, median of 11) {rawlist:.1f} ms;")
print(f"  with the empty program's start-up ({empty_ls:.1f} ms, median of 11) {rawlist + empty_ls:.1f} ms")
print(f"  ratio certls / (raw requests + start-up): {ls_ratio:6.2f}   (target <= 1.2; median of the 11 rounds' ratios)")
print(f"  certls beyond start-up: {certls - empty_ls:.1f} ms against the emulator's {rawlist:.1f} ms "
      f"({(certls - empty_ls) / rawlist:.2f}x)")
print(f"  certls / the emulator's own time alone: {certls / rawlist:.2f} (the empty program's start-up alone "
      f"is {empty_ls / rawlist:.2f}x the emulator's time)")
print(f"aws iam list-server-certificates      {awsls:8.1f} ms  (ratio aws / certls {awsls / certls:.1f}x)")
PY
