#!/bin/sh
# Quick-start command 1: set up on a fresh Debian 12 machine and run the main job on the
# built-in sample: a bundle as a CA mails it (text, CRLF, intermediate first, key last) is
# checked, then split into the files IAM and servers want, and the result verified with the
# OpenSSL CLI.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh"
"$top/scripts/build.sh"
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
