#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certcheck on real public chains (tests/realcerts/README.md), as served by the major public CAs,
# at a time inside each leaf's validity and against the system's trust store (Debian's
# ca-certificates: the public roots, so the CT and lifetime rules apply): trusted, no error, and
# exactly the findings listed (no key is given, so key.missing; cross-signs the served chain holds
# besides the chosen path are chain.alt_path). A new error here is a false reject of a chain
# every browser accepts.
. "$(dirname "$0")/lib.sh"

R=$CLI_DIR/../realcerts
if [ ! -d /usr/share/ca-certificates/mozilla ]; then
    case_ "Debian's ca-certificates"
    skip "not installed (scripts/deps.sh installs it)"
    finish
    exit 0
fi
# The system's store, not a CA file of the test environment.
unset SSL_CERT_FILE SSL_CERT_DIR

# file | --at | hosts | root CN | findings beyond key.missing (code:severity, space-separated)
while IFS='|' read -r file at hosts root extra; do
    [ -n "$file" ] || continue
    case_ "real chain $file at $at"
    want="('key.missing', 'warning'),"
    for item in $extra; do
        want+="('${item%%:*}', '${item#*:}'),"
    done
    hostargs=()
    for h in $hosts; do
        hostargs+=(--host "$h")
    done
    run "$B/certcheck" --at "$at" --json "${hostargs[@]}" "$R/$file"
    assert_exit 0
    assert_json "d['trust'] == 'trusted'" "codes() == {$want}" \
        "d['summary']['errors'] == 0" "d['root']['subject'].startswith('CN=$root,')" \
        "d['rejected_paths'] == []"
    # a minute after the leaf's notAfter, the same chain fails on the leaf alone
    na=$(openssl x509 -in "$R/$file" -noout -enddate | cut -d= -f2)
    run "$B/certcheck" --at "@$(($(date -u -d "$na" +%s) + 60))" --json "$R/$file"
    assert_exit 1
    assert_json "sev('cert.expired') == {'error'}"
done <<'CHAINS'
letsencrypt-r3-tracker.mywaifu.best.pem|2023-06-01T00:00:00Z|tracker.mywaifu.best|ISRG Root X1|chain.alt_path:info
letsencrypt-e7-letsencrypt.org.pem|2026-01-20T00:00:00Z|letsencrypt.org www.letsencrypt.org|ISRG Root X2|
digicert-www.digicert.com.pem|2026-01-20T00:00:00Z|www.digicert.com digicert.com|DigiCert Global Root G2|
digicert-g2-azure04-www.microsoft.com.pem|2025-01-15T00:00:00Z|www.microsoft.com|DigiCert Global Root G2|
sectigo-sectigo.com.pem|2026-01-20T00:00:00Z|sectigo.com www.sectigo.com|Sectigo Public Server Authentication Root R46|chain.alt_path:info
gts-1c3-www.google.com.pem|2023-11-01T00:00:00Z|www.google.com|GTS Root R1|
amazon-m02-www.duosecurity.com.pem|2025-01-15T00:00:00Z|www.duosecurity.com duo.com|Amazon Root CA 1|
CHAINS

# The same chains checked as a private CA would be (--ca-path of the same store): no CT or
# lifetime rule, the same verdict.
case_ "real chains with the store as --ca-path (a private CA's rules)"
run "$B/certcheck" --at 2026-01-20T00:00:00Z --ca-path /etc/ssl/certs --json \
    "$R/letsencrypt-e7-letsencrypt.org.pem"
assert_exit 0
assert_json "codes() == {('key.missing', 'warning')}"

# The cross-signed served chain of 2023: ISRG Root X1 self-signed (in the store) and ISRG Root X1
# cross-signed by DST Root CA X3 (no longer in the store); the self-signed path is chosen and
# -v shows the search.
case_ "Let's Encrypt R3 chain with its DST cross-sign, -v"
run "$B/certcheck" -v --at 2023-06-01T00:00:00Z "$R/letsencrypt-r3-tracker.mywaifu.best.pem"
assert_exit 0
assert_out_contains "  path   tracker.mywaifu.best < R3 < ISRG Root X1 (2 paths found, 1 tried"

finish
