#!/bin/sh
# Benchmark for the IAM step, in one run against one local emulator:
#   1. the seed workflow per certificate (openssl x509, openssl pkey, the chain cut out with the
#      OpenSSL CLI, aws iam upload-server-certificate) against certup, over N bundles (20);
#   2. certup against its floor: an empty program linked against the same libraries, plus the
#      emulator's own time for one UploadServerCertificate from a raw HTTP client;
#   3. certup again with 900 certificates in the account (its cost must not grow: it never
#      lists the account to upload one);
#   4. certls over 1,000 certificates against the emulator's own time for the fewest requests
#      that fetch them (one ListServerCertificates of 1,000, one GetAccountSummary) and against
#      aws iam list-server-certificates.
#   bench/certup.sh [N] [BUILD_DIR]
set -eu
n=${1:-20}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-${LIBCERT_BUILD_DIR:-$top/build}}
python=$("$top/scripts/python.sh")
PATH=$(dirname "$python"):$PATH
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

# 1. the seed workflow, per certificate
reset
t0=$(now)
i=0
for b in "$work"/bundles/bundle-*.pem; do
    d=$work/seed/$i
    mkdir -p "$d"
    openssl x509 -in "$b" -out "$d/cert.pem"
    openssl pkey -in "$b" -out "$d/key.pem"
    # the chain: every certificate after the first, as the OpenSSL CLI prints them
    openssl crl2pkcs7 -nocrl -certfile "$b" | openssl pkcs7 -print_certs |
        awk '/BEGIN CERT/{n++} n>1' | grep -v '^subject=\|^issuer=\|^$' > "$d/chain.pem"
    aws iam upload-server-certificate --server-certificate-name "seed-$i" --path /cloudfront/ \
        --certificate-body "file://$d/cert.pem" --private-key "file://$d/key.pem" \
        --certificate-chain "file://$d/chain.pem" >/dev/null
    i=$((i + 1))
done
t1=$(now)
seed_ms=$(ms "$t0" "$t1")

# certup over the same bundles
reset
t0=$(now)
for b in "$work"/bundles/bundle-*.pem; do
    "$build/tools/certup" -q --ca-file "$fx/root.pem" "$b"
done
t1=$(now)
certup_ms=$(ms "$t0" "$t1")
uploads=$(curl -s "$endpoint/_emu/log" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["requests"] if r["action"]=="UploadServerCertificate"))')
[ "$uploads" -eq "$n" ] || { echo "expected $n uploads, saw $uploads" >&2; exit 1; }

# 2. the floor: start-up of an empty program with the same libraries, and the raw upload
t0=$(now)
for b in "$work"/bundles/bundle-*.pem; do "$build/bench/bench_empty"; done
t1=$(now)
empty_ms=$(ms "$t0" "$t1")
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
# certls, the empty program and the raw requests, each the median of 11 runs taken side by side
# (one noisy moment does not decide the ratio)
set -- $("$python" - "$build/tools/certls" "$build/bench/bench_empty" "$work/certls.json" <<'PY'
import statistics, subprocess, sys, time
certls, empty, out = sys.argv[1:4]
def run(argv, path):
    t = time.perf_counter()
    with open(path, "w") as f:
        subprocess.run(argv, stdout=f, check=True)
    return (time.perf_counter() - t) * 1000
a, e = [], []
for _ in range(11):
    a.append(run([certls, "--json"], out))
    e.append(run([empty], "/dev/null"))
print("%.2f %.2f" % (statistics.median(a), statistics.median(e)))
PY
)
certls_ms=$1
empty_ls_ms=$2
listed=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["ServerCertificateMetadataList"]))' "$work/certls.json")
[ "$listed" = "$count" ] || { echo "certls listed $listed, the AWS CLI $count" >&2; exit 1; }
rawlist_ms=$("$python" "$top/bench/raw_iam.py" "$endpoint" list)
t0=$(now)
aws iam list-server-certificates >/dev/null
t1=$(now)
awsls_ms=$(ms "$t0" "$t1")

python3 - "$n" "$seed_ms" "$certup_ms" "$empty_ms" "$raw_ms" "$certup900_ms" "$count" "$certls_ms" "$rawlist_ms" "$awsls_ms" "$empty_ls_ms" <<'PY'
import sys
n = int(sys.argv[1])
seed, certup, empty, raw, certup900 = (float(x) for x in sys.argv[2:7])
count = int(sys.argv[7])
certls, rawlist, awsls, empty_ls = (float(x) for x in sys.argv[8:12])
per = lambda t: t / n
floor = per(empty) + raw
print(f"certificates uploaded: {n}")
print(f"seed workflow (openssl x3 + aws iam)  {per(seed):8.1f} ms/certificate")
print(f"certup                                 {per(certup):8.1f} ms/certificate")
print(f"  ratio seed / certup:                 {seed / certup:8.1f}x   (target >= 40x)")
print(f"floor: empty program {per(empty):.1f} ms + raw upload {raw:.1f} ms = {floor:.1f} ms")
print(f"  ratio certup / floor:                {per(certup) / floor:8.2f}    (target <= 1.5)")
print(f"certup with 900 certificates in IAM   {per(certup900):8.1f} ms/certificate "
      f"({per(certup900) / per(certup):.2f}x the empty account)")
print(f"certls over {count} certificates        {certls:8.1f} ms  (median of 11)")
print(f"  emulator's own time (1 list of 1,000 + 1 summary, raw client, median of 11) {rawlist:.1f} ms;")
print(f"  with the empty program's start-up ({empty_ls:.1f} ms, median of 11) {rawlist + empty_ls:.1f} ms")
print(f"  ratio certls / (raw requests + start-up): {certls / (rawlist + empty_ls):6.2f}   (target <= 1.2)")
print(f"  certls beyond start-up: {certls - empty_ls:.1f} ms against the emulator's {rawlist:.1f} ms "
      f"({(certls - empty_ls) / rawlist:.2f}x)")
print(f"aws iam list-server-certificates      {awsls:8.1f} ms  (ratio aws / certls {awsls / certls:.1f}x)")
PY
