#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Quick-start command 1: set up on a fresh Debian 12 machine and run the main job on the
# built-in sample: a bundle as a CA mails it (text, CRLF, intermediate first, key last) is
# checked, split into the files IAM and servers want (verified with the OpenSSL CLI), uploaded
# to IAM under /cloudfront/ and listed, against a local AWS emulator on 127.0.0.1 that this
# script starts and stops (never real AWS), then renewed twice with the same certrotate line.
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

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold='\033[1m' plain='\033[0m'; else bold='' plain=''; fi
step() { printf "\n${bold}== %s${plain}\n\$ %s\n" "$1" "$2"; }

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
export PATH="$(dirname "$python"):$PATH"
"$top/tests/emulator/emu.sh" stop "$emu_dir" 2>/dev/null || true
endpoint=$("$top/tests/emulator/emu.sh" start "$emu_dir" --deploy-delay 2)
trap '"$top/tests/emulator/emu.sh" stop "$emu_dir" >/dev/null 2>&1' EXIT
echo "$endpoint"
# Dummy credentials: the emulator accepts any; nothing here can reach AWS.
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo-secret AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="$endpoint"
unset AWS_PROFILE AWS_SESSION_TOKEN

step "today: last quarter's certificate in IAM, served by a distribution for both names" \
    "certup --name www-previous previous-bundle.pem; (create a distribution with aliases)"
"$bin/certup" --ca-file "$demo/root.pem" --name www-previous "$demo/previous-bundle.pem"
previous_id=$("$bin/certls" --json | python3 -c 'import json,sys; print([c["ServerCertificateId"] for c in json.load(sys.stdin)["ServerCertificateMetadataList"] if c["ServerCertificateName"]=="www-previous"][0])')
dist=$("$python" "$top/tests/emulator/emuctl.py" create-distribution "$endpoint" \
    --alias www.example.com --alias example.com --iam-cert "$previous_id" --comment "demo site")
echo "distribution $dist serves www.example.com and example.com with www-previous"
"$bin/certls" --in-use

step "renew by the names it serves: check, plan, upload, attach, wait for Deployed, delete what it replaced" \
    "certrotate --ca-file root.pem --alias www.example.com --alias example.com --delete-old mailed-bundle.pem"
"$bin/certrotate" --ca-file "$demo/root.pem" --alias www.example.com --alias example.com \
    --delete-old "$demo/mailed-bundle.pem"

step "the same line again (cron's next night): nothing to do, nothing sent, exit 0" \
    "certrotate -q --ca-file root.pem --alias www.example.com --alias example.com --delete-old mailed-bundle.pem"
"$bin/certrotate" -q --ca-file "$demo/root.pem" --alias www.example.com --alias example.com \
    --delete-old "$demo/mailed-bundle.pem" && echo "exit 0"

step "next quarter: the same line renews again (the handles stay true)" \
    "certrotate --ca-file root.pem --alias www.example.com --alias example.com --delete-old next-bundle.pem"
"$bin/certrotate" --ca-file "$demo/root.pem" --alias www.example.com --alias example.com \
    --delete-old "$demo/next-bundle.pem"

step "the account now" "certls --in-use"
"$bin/certls" --in-use

step "and the distribution's certificate against its aliases" "certcheck --distribution $dist"
"$bin/certcheck" --ca-file "$demo/root.pem" --distribution "$dist"
