#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark for the CloudFront step, in one run against one local emulator:
#   1. rotating one certificate onto N distributions (20) with certrotate, against the
#      equivalent AWS CLI script (upload, then per distribution get-distribution-config, edit
#      with jq, update-distribution --if-match);
#   2. certattach onto M distributions (50) with --jobs 8 against onto one, with the emulator
#      adding 50 ms to every answer as a remote API does.
#   bench/cloudfront.sh [N] [M] [BUILD_DIR]
set -eu
n=${1:-20}
m=${2:-50}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${3:-${LIBCERT_BUILD_DIR:-$top/build}}
python=$("$top/scripts/python.sh")
# The interpreter's own directory first, so that aws is the AWS CLI itself: a version manager's
# shim in front of it (pyenv's here) costs ~250 ms a call that is not the AWS CLI's.
PATH=$("$python" -c 'import os, sys; print(os.path.dirname(sys.executable))'):$PATH
fx=$build/fixtures
work=$build/bench-data/cloudfront
[ -f "$fx/.libcert-fixtures" ] || cmake --build "$build" --target fixtures >/dev/null
rm -rf "$work"
mkdir -p "$work"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true HOME=$work
at="--at 2026-01-01T00:00:00Z --ca-file $fx/root.pem"

now() { date +%s.%N; }
ms() { python3 -c "import sys; print('%.1f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000))" "$1" "$2"; }

start_emu() { # $1: dir, rest: flags
    d=$1
    shift
    "$top/tests/emulator/emu.sh" start "$d" --cert-clock 2026-01-01T00:00:00Z "$@"
}

# Distributions that serve OLD: $1 endpoint, $2 how many, $3 old id; their ids on stdout.
make_dists() {
    "$python" - "$1" "$2" "$3" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ["TOP"], "tests", "emulator"))
import emuctl
e = emuctl.connect(sys.argv[1])
for i in range(int(sys.argv[2])):
    d = e.create_distribution(aliases=[], viewer_certificate=sys.argv[3], comment=f"bench {i}")
    print(d["Id"])
PY
}
export TOP=$top

# ---- 1. certrotate vs the AWS CLI script ----
emu1=$work/emu1
endpoint=$(start_emu "$emu1" --deploy-delay 0)
trap '"$top/tests/emulator/emu.sh" stop "$emu1" >/dev/null 2>&1; "$top/tests/emulator/emu.sh" stop "$work/emu2" >/dev/null 2>&1' EXIT
export AWS_ENDPOINT_URL=$endpoint
"$build/tools/certup" -q $at --name old-cli "$fx/bundle-rsa2048.pem"
"$build/tools/certup" -q $at --name old-lib "$fx/bundle-p256.pem"
old_cli=$(aws iam get-server-certificate --server-certificate-name old-cli --query ServerCertificate.ServerCertificateMetadata.ServerCertificateId --output text)
old_lib=$(aws iam get-server-certificate --server-certificate-name old-lib --query ServerCertificate.ServerCertificateMetadata.ServerCertificateId --output text)
make_dists "$endpoint" "$n" "$old_cli" >"$work/dists-cli"
make_dists "$endpoint" "$n" "$old_lib" >"$work/dists-lib"

# the AWS CLI way: split with openssl, upload, then edit each distribution with jq
t0=$(now)
openssl x509 -in "$fx/bundle-rsa3072.pem" -out "$work/cert.pem"
openssl pkey -in "$fx/bundle-rsa3072.pem" -out "$work/key.pem"
cat "$fx/int2.pem" "$fx/int1.pem" >"$work/chain.pem"
new_cli=$(aws iam upload-server-certificate --server-certificate-name new-cli --path /cloudfront/ \
    --certificate-body "file://$work/cert.pem" --private-key "file://$work/key.pem" \
    --certificate-chain "file://$work/chain.pem" \
    --query ServerCertificateMetadata.ServerCertificateId --output text)
while read -r d; do
    aws cloudfront get-distribution-config --id "$d" >"$work/cfg.json"
    etag=$(jq -r .ETag "$work/cfg.json")
    jq --arg id "$new_cli" '.DistributionConfig
        | .ViewerCertificate = {IAMCertificateId: $id, SSLSupportMethod: "sni-only",
                                MinimumProtocolVersion: "TLSv1.2_2021", CertificateSource: "iam",
                                Certificate: $id}' "$work/cfg.json" >"$work/new.json"
    aws cloudfront update-distribution --id "$d" --if-match "$etag" \
        --distribution-config "file://$work/new.json" >/dev/null
done <"$work/dists-cli"
t1=$(now)
cli_ms=$(ms "$t0" "$t1")

t0=$(now)
"$build/tools/certrotate" -q $at --replace old-lib --jobs 8 "$fx/bundle-rsa4096.pem"
t1=$(now)
rotate_ms=$(ms "$t0" "$t1")
moved=$(aws cloudfront list-distributions --query "DistributionList.Items[?ViewerCertificate.IAMCertificateId!='$old_lib' && ViewerCertificate.IAMCertificateId!='$old_cli'] | length(@)")

# ---- 2. certattach: M distributions with --jobs 8 against one, 50 ms on every answer ----
emu2=$work/emu2
endpoint=$(start_emu "$emu2" --deploy-delay 0)
export AWS_ENDPOINT_URL=$endpoint
"$build/tools/certup" -q $at --name old "$fx/bundle-rsa2048.pem"
"$build/tools/certup" -q $at --name new "$fx/bundle-p256.pem"
old=$(aws iam get-server-certificate --server-certificate-name old --query ServerCertificate.ServerCertificateMetadata.ServerCertificateId --output text)
make_dists "$endpoint" "$m" "$old" >"$work/dists-m"
make_dists "$endpoint" 1 "$old" >"$work/dists-1"
curl -s -X POST -H 'Content-Type: application/json' -d '{"latency_ms": 50}' "$endpoint/_emu/config" >/dev/null
# five rounds, each moving every distribution (new, old, new, ...); the median of each side
ones=""
manys=""
for k in 1 2 3 4 5; do
    if [ $((k % 2)) -eq 1 ]; then c=new; else c=old; fi
    t0=$(now)
    "$build/tools/certattach" -q $at --cert $c $(cat "$work/dists-1")
    t1=$(now)
    ones="$ones $(ms "$t0" "$t1")"
    t0=$(now)
    "$build/tools/certattach" -q $at --cert $c --jobs 8 $(cat "$work/dists-m")
    t1=$(now)
    manys="$manys $(ms "$t0" "$t1")"
done
median() { python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
one_ms=$(median $ones)
many_ms=$(median $manys)
echo "certattach onto 1 (ms):$ones; onto $m, --jobs 8 (ms):$manys"

python3 - "$n" "$cli_ms" "$rotate_ms" "$moved" "$m" "$one_ms" "$many_ms" <<'PY'
import math, sys
n, cli, rot, moved, m, one, many = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
print(f"rotation onto {n} distributions")
print(f"  AWS CLI script (openssl, upload, get/jq/update x{n})  {cli/1000:7.2f} s  ({cli/n:.0f} ms/distribution)")
print(f"  certrotate --jobs 8                                  {rot/1000:7.3f} s  ({rot/n:.1f} ms/distribution)")
print(f"  ratio: {cli/rot:.1f}x   (target >= 50x); distributions moved by both: {moved} of {2*n}")
print(f"certattach with 50 ms added to every answer")
print(f"  onto 1 distribution                 {one:7.0f} ms  (median of 5)")
print(f"  onto {m} distributions, --jobs 8    {many:7.0f} ms  (median of 5)")
rounds = 1 + math.ceil(m / 64) + math.ceil(m / 8)
print(f"  ratio: {many/one:.2f}x   (target <= 3x; round trips: one distribution 3 (certificate,")
print(f"         config, update), {m} distributions 1 + ceil({m}/64) reads + ceil({m}/8) updates = {rounds},")
print(f"         {rounds / 3:.2f}x)")
PY
