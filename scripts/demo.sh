#!/bin/sh
# Quick-start command 1: set up on a fresh Debian 12 machine and run the main job on the
# built-in sample: a bundle as a CA mails it (text, CRLF, intermediate first, key last) is
# checked, split into the files IAM and servers want (verified with the OpenSSL CLI), uploaded
# to IAM under /cloudfront/ and listed, against a local AWS emulator on 127.0.0.1 that this
# script starts and stops (never real AWS).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh"
"$top/scripts/build.sh"
python=$("$top/scripts/python.sh")
build=${LIBCERT_BUILD_DIR:-$top/build}
bin=$build/tools
demo=$build/demo
"$top/scripts/sample-bundle.sh" "$demo"
rm -rf "$demo/out"
mkdir -p "$demo/out"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "pre-flight: certcheck the mailed bundle" "certcheck --ca-file root.pem mailed-bundle.pem"
"$bin/certcheck" --ca-file "$demo/root.pem" "$demo/mailed-bundle.pem"

step "split it: leaf, ordered chain, unencrypted PKCS#8 key (0600)" \
    "certsplit --ca-file root.pem --out-dir out mailed-bundle.pem"
"$bin/certsplit" --ca-file "$demo/root.pem" --out-dir "$demo/out" "$demo/mailed-bundle.pem"
ls -l "$demo/out"

step "independent check with the OpenSSL CLI" \
    "openssl verify -CAfile root.pem -untrusted out/chain.pem out/cert.pem"
openssl verify -CAfile "$demo/root.pem" -untrusted "$demo/out/chain.pem" "$demo/out/cert.pem"
leafpub=$(openssl x509 -in "$demo/out/cert.pem" -noout -pubkey)
keypub=$(openssl pkey -in "$demo/out/key.pem" -pubout)
[ "$leafpub" = "$keypub" ] && echo "key.pem matches cert.pem"

step "the same check for scripts" "certcheck --json --ca-file root.pem out/ | summary"
"$bin/certcheck" --json --ca-file "$demo/root.pem" "$demo/out" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("status:", d["status"], "| leaf:", d["leaf"]["subject"], "| chain:", [c["subject"] for c in d["chain"]], "| findings:", [f["code"] for f in d["findings"]])'

step "start the local AWS emulator (moto + libcert's IAM/CloudFront rules) on 127.0.0.1" \
    "tests/emulator/emu.sh start"
emu_dir=$demo/emulator
PATH=$(dirname "$python"):$PATH "$top/tests/emulator/emu.sh" stop "$emu_dir" 2>/dev/null || true
endpoint=$(PATH=$(dirname "$python"):$PATH "$top/tests/emulator/emu.sh" start "$emu_dir")
trap 'PATH=$(dirname "$python"):$PATH "$top/tests/emulator/emu.sh" stop "$emu_dir" >/dev/null 2>&1' EXIT
echo "$endpoint"
# Dummy credentials: the emulator accepts any; nothing here can reach AWS.
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo-secret AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="$endpoint"
unset AWS_PROFILE AWS_SESSION_TOKEN

step "upload to IAM under /cloudfront/ (one request; checks first)" \
    "certup --ca-file root.pem mailed-bundle.pem"
"$bin/certup" --ca-file "$demo/root.pem" "$demo/mailed-bundle.pem"

step "again: IAM already holds it, so nothing to do (exit 0)" \
    "certup --ca-file root.pem mailed-bundle.pem"
"$bin/certup" --ca-file "$demo/root.pem" "$demo/mailed-bundle.pem"

step "list the account's server certificates, soonest expiry first, with the quota" "certls"
"$bin/certls"

step "read it back from IAM and check it there too" \
    "certcheck --ca-file root.pem --iam NAME --expect out/"
name=$("$bin/certls" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ServerCertificateMetadataList"][0]["ServerCertificateName"])')
"$bin/certcheck" --ca-file "$demo/root.pem" --iam "$name" --expect "$demo/out"
