#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certcheck: every finding code of `certcheck --list-codes` produced by a fixture, with its
# severity in --json and under the right heading of the text report, and the exit code it
# implies (0 with warnings/info only, 1 with an error); negative cases (clean bundles give no
# finding); --allow, --days, --host, --leaf, passphrases, stdin, inputs split over files.
. "$(dirname "$0")/lib.sh"

CAROOT=(--ca-file "$F/root.pem")
XTRUST=$T_DIR/xtrust.pem
cat "$F/xroot.pem" "$F/xold.pem" >"$XTRUST"

# Inputs over IAM's size limits (too big to keep among the fixtures): generated here by
# tests/fixtures/oversize.py, from the fixtures' CA keys.
BIG=$T_DIR/big
mkdir -p "$BIG"
case_ "generate oversize inputs"
if "$PY" "$CLI_DIR/../fixtures/oversize.py" "$F" "$BIG" >"$T_DIR/oversize.log" 2>&1; then
    pass
else
    fail "oversize.py failed: $(tail -n 3 "$T_DIR/oversize.log")"
fi

declare -A COVERED=() # code -> severities expected by the cases below
# Text report: print "severity code" for each finding line under its heading.
TEXT_AWK='/^  errors:/ {s="error"; next} /^  warnings:/ {s="warning"; next}
          /^  info:/ {s="info"; next} /^  (OK|FAIL):/ {s=""}
          s != "" && /^    [a-z_]+\.[a-z_]+  / {print s, $1}'

# code_case "EXPECTED" EXIT ARGS...: certcheck ARGS (with the pinned time) gives exactly the
# findings EXPECTED ("code:severity ...", duplicates folded) and exits EXIT, in --json and in
# text mode. Standard input is $CASE_STDIN (default /dev/null).
code_case()
{
    local expected=$1 want=$2 py item code sv listed
    shift 2

    py="{"
    for item in $expected; do
        py+="('${item%%:*}', '${item#*:}'),"
    done
    py+="}"
    [ "$py" = "{}" ] && py="set()"

    # The JSON checks below run in a batch at the end; a failure there fails the test, so the
    # codes are counted as covered here.
    for item in $expected; do
        COVERED[${item%%:*}]+=" ${item#*:}"
    done
    run "$B/certcheck" "${AT_OPT[@]}" --batch --json "$@" <"${CASE_STDIN:-/dev/null}"
    assert_exit "$want"
    assert_json "codes() == $py" "d['exit_code'] == $want" \
        "d['status'] == ('ok' if $want == 0 else 'fail')" \
        "d['summary']['errors'] == len([f for f in d['findings'] if f['severity'] == 'error'])"

    run "$B/certcheck" "${AT_OPT[@]}" --batch "$@" <"${CASE_STDIN:-/dev/null}"
    assert_exit "$want"
    listed=$'\n'$(awk "$TEXT_AWK" "$T_OUT")$'\n'
    for item in $expected; do
        code=${item%%:*} sv=${item#*:}
        if [[ $listed == *$'\n'"$sv $code"$'\n'* ]]; then
            pass
        else
            fail "text report does not list $code under its $sv heading"
        fi
    done
    if [ -z "$expected" ]; then
        assert_out_contains "OK: 0 errors, 0 warnings"
    elif [ "$want" = 1 ]; then
        assert_out_contains "FAIL: "
    else
        assert_out_contains "OK: 0 errors"
    fi
}

case_ "key.missing is a warning for certcheck"
code_case "key.missing:warning" 0 "${CAROOT[@]}" "$F/bundle-nokey.pem"
case_ "key.missing is an error with --require-key"
code_case "key.missing:error" 1 "${CAROOT[@]}" --require-key "$F/bundle-nokey.pem"
case_ "key.mismatch"
code_case "key.mismatch:error" 1 "${CAROOT[@]}" "$F/bundle-wrong-key.pem"
case_ "chain.incomplete"
code_case "chain.incomplete:error unrelated.cert:warning" 1 "${CAROOT[@]}" \
    "$F/bundle-missing-int.pem"
case_ "chain.untrusted: a root in the input that the store does not trust"
code_case "chain.untrusted:error chain.root_omitted:info" 1 --ca-file "$F/other-ca.pem" \
    "$F/bundle-root.pem"
case_ "chain.untrusted: self-signed leaf"
code_case "chain.untrusted:error" 1 "${CAROOT[@]}" "$F/selfsigned.pem" "$F/selfsigned.key"
case_ "cert.expired"
code_case "cert.expired:error" 1 "${CAROOT[@]}" "$F/bundle-expired.pem"
case_ "cert.not_yet_valid"
code_case "cert.not_yet_valid:error" 1 "${CAROOT[@]}" "$F/bundle-notyet.pem"
case_ "cert.expires_imminent"
code_case "cert.expires_imminent:error" 1 "${CAROOT[@]}" "$F/bundle-imminent.pem"
for k in rsa1536 p384 p521 ed25519 ed448 rsapss dsa; do
    case_ "key.unsupported: $k"
    code_case "key.unsupported:error" 1 "${CAROOT[@]}" "$F/bundle-$k.pem"
done
case_ "key.unsupported: explicit EC parameters (CloudFront's rule; the path is trusted)"
code_case "key.unsupported:error" 1 "${CAROOT[@]}" "$F/bundle-ec-explicit.pem"
case_ "key.weak"
code_case "key.weak:error" 1 "${CAROOT[@]}" "$F/bundle-rsa1024.pem"
for k in sha1 md5; do
    case_ "sig.weak: $k"
    code_case "sig.weak:error" 1 "${CAROOT[@]}" "$F/bundle-$k.pem"
done
for k in clientauth ca; do
    case_ "cert.not_server: $k"
    code_case "cert.not_server:error" 1 "${CAROOT[@]}" "$F/bundle-$k.pem"
done
case_ "name.uncovered"
code_case "name.uncovered:error" 1 "${CAROOT[@]}" --host nothere.example.org \
    "$F/bundle-good.pem"
case_ "name.uncovered: a wildcard covers one label only"
code_case "name.uncovered:error" 1 "${CAROOT[@]}" --host a.b.example.com "$F/bundle-wildcard.pem"
case_ "limit.body"
code_case "limit.body:error" 1 "${CAROOT[@]}" "$BIG/bundle-bigbody.pem"
case_ "limit.chain"
code_case "limit.chain:error" 1 "${CAROOT[@]}" "$BIG/bundle-bigchain.pem"
case_ "limit.key (key.unsupported allowed, so limit.key alone makes the exit code)"
code_case "limit.key:error key.unsupported:warning" 1 "${CAROOT[@]}" --allow key.unsupported \
    "$BIG/bundle-bigkey.pem"
case_ "cert.expires_soon"
code_case "cert.expires_soon:warning" 0 "${CAROOT[@]}" "$F/bundle-soon.pem"
case_ "cert.expires_soon with --days 200"
code_case "cert.expires_soon:warning" 0 "${CAROOT[@]}" --days 200 "$F/bundle-good.pem"
case_ "chain.expires_first"
code_case "chain.expires_first:warning" 0 "${CAROOT[@]}" "$F/bundle-longleaf.pem"
case_ "chain.cross_expired"
code_case "chain.cross_expired:warning" 0 --ca-file "$XTRUST" "$F/bundle-cross-expired.pem"
case_ "unrelated.cert"
code_case "unrelated.cert:warning" 0 "${CAROOT[@]}" "$F/bundle-unrelated.pem"
case_ "unrelated.key"
code_case "unrelated.key:warning" 0 "${CAROOT[@]}" "$F/bundle-good.pem" "$F/unrelated.key"
case_ "chain.order"
code_case "chain.order:info chain.root_omitted:info" 0 "${CAROOT[@]}" "$F/bundle-shuffled.pem"
case_ "chain.duplicate"
code_case "chain.duplicate:info" 0 "${CAROOT[@]}" "$F/bundle-dup.pem"
case_ "chain.root_omitted"
code_case "chain.root_omitted:info" 0 "${CAROOT[@]}" "$F/bundle-root.pem"
case_ "chain.alt_path"
code_case "chain.alt_path:info" 0 --ca-file "$XTRUST" "$F/bundle-cross.pem"
case_ "input.ignored: a CSR"
code_case "input.ignored:info" 0 "${CAROOT[@]}" "$F/csr.pem"
case_ "input.ignored: EC PARAMETERS"
code_case "input.ignored:info" 0 "${CAROOT[@]}" "$F/bundle-ec-params.pem"

# Negative cases: nothing to say about these.
case_ "name.no_san: a leaf with a CN and no subjectAltName names no host"
code_case "name.no_san:error" 1 "${CAROOT[@]}" "$F/bundle-cnonly.pem"
assert_err_empty

# Path validation (tests/fixtures/pki.py): each rule of a certificate's position, backtracking,
# depth, loops, the bomb, CRLs, and the public-root rules. "FILE CODES EXIT [OPTIONS...]".
P=$F/pki
while read -r file codes want opts; do
    [ -n "$file" ] || continue
    case $file in '#'*) continue ;; esac
    [ "$codes" = "-" ] && codes=""
    # shellcheck disable=SC2086  # the options are words
    case_ "pki/$file ${opts:-}"
    eval "set -- ${opts:-}"
    trust=("${CAROOT[@]}")
    [ -f "$P/${file%.pem}-ca.pem" ] && trust=(--ca-file "$P/${file%.pem}-ca.pem")
    case $file in cross-*) trust=(--ca-file "$P/cross-ca.pem") ;; esac
    if [ "${1:-}" = "--system" ]; then
        shift
        SSL_CERT_FILE=$F/root.pem LIBCERT_PUBLIC_STORE=1 code_case "${codes//,/ }" "$want" "$@" "$P/$file"
    else
        code_case "${codes//,/ }" "$want" "${trust[@]}" "$@" "$P/$file"
    fi
done <<'CASES'
int-eku-email.pem       chain.eku:error                 1
int-eku-any.pem         chain.eku:error                 1
int-eku-server.pem      -                               0
int-rsa1024.pem         key.weak:error                  1
int-rsa2052.pem         cert.profile:warning            0
int-p192.pem            chain.key:error                 1
int-p521.pem            cert.profile:warning            0
root-rsa1024.pem        key.weak:error                  1
root-eku-email.pem      chain.eku:error                 1
int-dsa.pem             chain.key:error                 1
int-ed25519.pem         chain.key:error                 1
int-ec-explicit.pem     chain.key:error                 1
int-sha1.pem            sig.weak:error                  1
int-expired.pem         cert.expired:error              1
int-notyet.pem          cert.not_yet_valid:error        1
root-expired.pem        cert.expired:error              1
root-sha1.pem           chain.root_omitted:info         0
root-badsig.pem         -                               0
pathlen.pem             chain.profile:error             1
int-no-bc.pem           chain.profile:error             1
int-v1.pem              chain.profile:error             1
int-no-certsign.pem     chain.profile:error             1
int-unknown-critical.pem chain.profile:error            1
leaf-unknown-critical.pem chain.profile:error           1
leaf-aia-bad.pem        chain.profile:error             1
leaf-empty-subject.pem  chain.profile:error             1
int-bc-noncritical.pem  cert.profile:warning            0
int-no-ski.pem          cert.profile:warning            0
int-pc-noncritical.pem  cert.profile:warning            0
leaf-no-aki.pem         cert.profile:warning            0
leaf-keycertsign.pem    cert.profile:warning            0
leaf-nc.pem             cert.profile:warning            0
root-aki-mismatch.pem   cert.profile:warning            0
leaf-serial-zero.pem    cert.profile:warning            0
leaf-serial-long.pem    cert.profile:warning            0
leaf-underscore.pem     name.profile:warning            0
leaf-cn-not-san.pem     name.profile:warning            0
leaf-eku-any.pem        cert.not_server:error           1
leaf-eku-ocsp.pem       cert.not_server:error           1
nc-dns-ok.pem           -                               0
nc-dns-outside.pem      name.constraint:error           1
nc-wildcard-ok.pem      -                               0
nc-ip-only-san.pem      name.profile:warning            0
nc-ip-outside.pem       name.constraint:error           1
nc-cn-ignored.pem       name.profile:warning            0
nc-wildcard-excluded.pem name.constraint:error          1
nc-excluded-ok.pem      -                               0
nc-wildcard-partial.pem name.constraint:error           1
nc-email.pem            name.constraint:error           1
nc-uri.pem              name.constraint:error           1
nc-dirname-ok.pem       -                               0
nc-dirname.pem          name.constraint:error           1
cross-short-bad.pem     chain.alt_path:info             0
cross-long-bad.pem      chain.alt_path:info             0
cross-long-bad.pem      chain.alt_path:info             0   --preferred-chain 'libcert Test Cross Old Root'
deep.pem                chain.too_long:error            1
deep.pem                -                               0   --max-depth 16
loop.pem                chain.loop:error                1
ct-none.pem             cert.ct:error                   1   --system
ct-two.pem              -                               0   --system
ct-two-long.pem         cert.ct:error                   1   --system
ct-three.pem            -                               0   --system
lifetime.pem            cert.lifetime:error             1   --system
ct-none.pem             -                               0
lifetime.pem            -                               0
CASES

case_ "--crl: revoked, current, stale, unrelated, forged; PEM and DER"
for c in "crl-int2-revokes-leaf.pem cert.revoked:error 1" \
    "crl-int2-revokes-leaf.der cert.revoked:error 1" \
    "crl-int1-revokes-int2.pem cert.revoked:error 1" "crl-int2-empty.pem - 0" \
    "crl-int2-stale.pem crl.stale:warning 0" "crl-other.pem crl.unrelated:warning 0" \
    "crl-int2-forged.pem crl.unrelated:warning 0"; do
    set -- $c
    codes=$2
    [ "$codes" = "-" ] && codes=""
    code_case "$codes" "$3" "${CAROOT[@]}" --crl "$P/$1" "$F/bundle-good.pem"
done
case_ "--crl is repeatable"
code_case "cert.revoked:error crl.unrelated:warning" 1 "${CAROOT[@]}" \
    --crl "$P/crl-int2-empty.pem" --crl "$P/crl-other.der" --crl "$P/crl-int1-revokes-int2.pem" \
    "$F/bundle-good.pem"
case_ "--crl of a file that is no CRL: input error naming it"
run "$B/certcheck" "${BASE[@]}" --crl "$F/bundle-good.pem" "$F/bundle-good.pem"
assert_exit 3
assert_err_contains "bundle-good.pem: not a CRL"
case_ "--max-depth out of range: usage error"
for d in 0 33 x; do
    run "$B/certcheck" "${BASE[@]}" --max-depth "$d" "$F/bundle-good.pem"
    assert_exit 2
done

case_ "the bomb: bounded, and said so"
run_timeout 20 "$B/certcheck" "${BASE[@]}" --json "$P/bomb.pem"
assert_exit 1
assert_json "sev('chain.bounded') == {'warning'}" "sev('chain.incomplete') == {'error'}"
COVERED[chain.bounded]+=" warning"
assert_true "the bomb is checked in under 5 s" test "$MS" -lt 5000

case_ "-v: the chosen path and why a better-ranked one was rejected"
run "$B/certcheck" "${AT_OPT[@]}" -v --ca-file "$P/cross-ca.pem" "$P/cross-short-bad.pem"
assert_exit 0
assert_out_contains "  path   www.example.com < libcert Test Cross CA < libcert Test Cross Mid < libcert Test Cross Old Root"
assert_out_contains "  rejected www.example.com < libcert Test Cross CA < libcert Test Root CA"
assert_out_contains "chain.eku: the intermediate CN=libcert Test Cross CA"
run "$B/certcheck" "${AT_OPT[@]}" --ca-file "$P/cross-ca.pem" "$P/cross-short-bad.pem"
assert_out_lacks "rejected"
run "$B/certcheck" "${AT_OPT[@]}" --json --ca-file "$P/cross-ca.pem" "$P/cross-short-bad.pem"
assert_json "len(d['rejected_paths']) == 1" \
    "d['rejected_paths'][0]['reason'].startswith('chain.eku: ')" \
    "len(d['rejected_paths'][0]['path']) == 3" "d['trust'] == 'trusted'"
run "$B/certcheck" "${BASE[@]}" --json "$P/deep.pem"
assert_json "d['trust'] == 'too_long'" "d['rejected_paths'] == []"
run "$B/certcheck" "${BASE[@]}" --json "$P/loop.pem"
assert_json "d['trust'] == 'loop'"

for k in good rsa2048 rsa3072 rsa4096 p256 wildcard ip text bag crlf-bom; do
    case_ "no finding: bundle-$k.pem"
    exp=""
    [ "$k" = crlf-bom ] && exp="chain.order:info chain.root_omitted:info"
    code_case "$exp" 0 "${CAROOT[@]}" "$F/bundle-$k.pem"
done
case_ "no finding: cross-signed leaf trusted through the old root only"
code_case "" 0 --ca-file "$F/xold.pem" "$F/bundle-cross.pem"
case_ "no finding: --host names the leaf covers (DNS, wildcard, IP)"
code_case "" 0 "${CAROOT[@]}" --host www.example.com --host example.com "$F/bundle-good.pem"
code_case "" 0 "${CAROOT[@]}" --host foo.example.com --host example.com "$F/bundle-wildcard.pem"
code_case "" 0 "${CAROOT[@]}" --host 192.0.2.10 --host ip.example.com "$F/bundle-ip.pem"
case_ "no finding: --days 5 on a leaf with 10 days left"
code_case "" 0 "${CAROOT[@]}" --days 5 "$F/bundle-soon.pem"
case_ "no finding: --with-root keeps the root"
code_case "" 0 "${CAROOT[@]}" --with-root "$F/bundle-root.pem"
case_ "no finding: the certbot directory (duplicates across its files only)"
code_case "chain.duplicate:info" 0 "${CAROOT[@]}" "$LE"
case_ "no finding: separate files, DER and PKCS#7 inputs forming one bundle"
code_case "" 0 "${CAROOT[@]}" "$F/leaf-rsa2048.der" "$F/chain.pem" "$F/key-rsa2048.der"
code_case "" 0 "${CAROOT[@]}" "$F/chain.p7b" "$F/leaf-rsa2048.key"
code_case "" 0 "${CAROOT[@]}" "$F/chain-p7.pem" "$F/key-rsa2048-trad.pem"
case_ "stdin"
CASE_STDIN=$F/bundle-shuffled.pem code_case "chain.order:info chain.root_omitted:info" 0 \
    "${CAROOT[@]}" -

# Where the root came from is said right (issue #15): --ca-file, --ca-path, the system store.
case_ "the root's origin"
run "$B/certcheck" --at 2026-01-01T00:00:00Z --ca-file "$F/root.pem" "$F/bundle-good.pem"
assert_exit 0
assert_out_contains "(from --ca-file, trusted)"
newdir emptystore && empty=$NEWDIR
run env SSL_CERT_FILE="$F/root.pem" SSL_CERT_DIR="$empty" "$B/certcheck" --at 2026-01-01T00:00:00Z \
    "$F/bundle-good.pem"
assert_exit 0
assert_out_contains "(from the system store, trusted)"
# A store SSL_CERT_FILE names is local trust (no CT rule) unless LIBCERT_PUBLIC_STORE says it is
# public: then the fixture leaf, without SCTs, is refused as a browser would.
run env SSL_CERT_FILE="$F/root.pem" SSL_CERT_DIR="$empty" LIBCERT_PUBLIC_STORE=1 "$B/certcheck" \
    --at 2026-01-01T00:00:00Z "$F/bundle-good.pem"
assert_exit 1
assert_out_contains "cert.ct"
# A root installed locally (in the system store, but not among the root program's own roots,
# /usr/share/ca-certificates/mozilla on Debian; here LIBCERT_PUBLIC_ROOTS) is not public: no CT
# rule, as Chrome applies CT to publicly-trusted CAs only. The same root among them: public.
newdir publist && publist=$NEWDIR
cp "$F/xroot.pem" "$publist/other.crt"
run env SSL_CERT_FILE="$F/root.pem" SSL_CERT_DIR="$empty" LIBCERT_PUBLIC_STORE=1 \
    LIBCERT_PUBLIC_ROOTS="$publist" "$B/certcheck" --at 2026-01-01T00:00:00Z "$F/bundle-good.pem"
assert_exit 0
assert_out_lacks "cert.ct"
cp "$F/root.pem" "$publist/root.crt"
run env SSL_CERT_FILE="$F/root.pem" SSL_CERT_DIR="$empty" LIBCERT_PUBLIC_STORE=1 \
    LIBCERT_PUBLIC_ROOTS="$publist" "$B/certcheck" --at 2026-01-01T00:00:00Z "$F/bundle-good.pem"
assert_exit 1
assert_out_contains "cert.ct"

# file:// (the AWS CLI's habit) is read as the path; other URLs are refused by name (issue #15).
case_ "file:// inputs"
run "$B/certcheck" "${BASE[@]}" "file://$F/bundle-good.pem"
assert_exit 0
run "$B/certcheck" "${BASE[@]}" "https://example.com/bundle.pem"
assert_exit 3
assert_err_contains "https://example.com/bundle.pem: not a file; give a local path"

# Every code of --list-codes was produced above, with its listed severity (except the codes that
# compare with IAM, which no local input can produce).
case_ "--list-codes"
run "$B/certcheck" --list-codes
assert_exit 0
assert_err_empty
nlisted=0
while read -r code sv _; do
    nlisted=$((nlisted + 1))
    case $code in
    iam.* | handle.* | rotate.* | served.* | live.* | dns.* | acm.*)
        # Comparisons with what IAM or ACM holds, the workflows' own rules (certattach,
        # certrotate) and what is really served (a TLS server, Route 53): the integration tests'
        # business (test_live.py produces every served.*, live.* and dns.* code, test_acm.py every
        # acm.* code).
        skip "$code ($sv): needs IAM, ACM, CloudFront, Route 53 or a server, not a local input"
        continue
        ;;
    esac
    if [[ " ${COVERED[$code]:-} " == *" $sv "* ]]; then
        pass
    else
        fail "code $code ($sv) was produced by no fixture with that severity" \
            "(seen: ${COVERED[$code]:-none})"
    fi
done <"$T_OUT"
assert_true "--list-codes lists codes" test "$nlisted" -ge 20
run "$B/certsplit" --list-codes
assert_exit 0
assert_true "certsplit --list-codes equals certcheck's" \
    cmp -s "$T_OUT" <("$B/certcheck" --list-codes)

# --allow downgrades a code to a warning and says so; it changes nothing else.
case_ "--allow cert.expired"
run "$B/certcheck" "${BASE[@]}" --json --allow cert.expired "$F/bundle-expired.pem"
assert_exit 0
assert_json "sev('cert.expired') == {'warning'}" \
    "'allowed' in [f for f in d['findings'] if f['code'] == 'cert.expired'][0]['message']" \
    "d['status'] == 'ok'"
run "$B/certcheck" "${BASE[@]}" --allow cert.expired "$F/bundle-expired.pem"
assert_exit 0
assert_out_contains "allowed"
case_ "--allow of a code that is not raised changes nothing"
run "$B/certcheck" "${BASE[@]}" --json --allow key.weak "$F/bundle-expired.pem"
assert_exit 1
assert_json "codes() == {('cert.expired', 'error')}"
case_ "--allow twice"
run "$B/certcheck" "${BASE[@]}" --json --allow key.unsupported --allow limit.key \
    "$BIG/bundle-bigkey.pem"
assert_exit 0
assert_json "codes() == {('key.unsupported', 'warning'), ('limit.key', 'warning')}"

# The leaf: picked by the key, or by --leaf when two could be it.
case_ "--leaf picks one of two leaves by SHA-256"
fp=$(openssl x509 -in "$F/leaf-p256.pem" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : |
    tr 'A-F' 'a-f')
run "$B/certcheck" "${BASE[@]}" --json --leaf "$fp" "$F/bundle-two-leaves.pem"
assert_exit 0
assert_json "d['leaf']['sha256'] == '$fp'" "d['leaf']['key'] == 'ECDSA P-256'"
case_ "two leaves and no key: input error naming both, asking for --leaf"
run "$B/certcheck" "${BASE[@]}" "$F/bundle-two-leaves.pem"
assert_exit 3
assert_err_contains "--leaf"
assert_err_contains "bundle-two-leaves.pem"

# Passphrases: every encrypted encoding opens with test-pass, by every --passin form.
case_ "passphrase forms"
export LIBCERT_TEST_PASS=$PASS
for spec in "pass:$PASS" "env:LIBCERT_TEST_PASS" "file:$F/pass.txt"; do
    run "$B/certcheck" "${BASE[@]}" --batch --json --passin "$spec" "$F/bundle-modern.p12"
    assert_exit 0
    assert_json "codes() == set()"
done
run "$B/certcheck" "${BASE[@]}" --batch --json --passin fd:7 "$F/bundle-modern.p12" \
    7<"$F/pass.txt"
assert_exit 0
assert_json "codes() == set()"
for k in key-pkcs8-aes.pem key-pkcs8-aes.der key-pkcs8-des3.pem key-pkcs8-legacy.pem \
    key-pkcs8-scrypt.pem key-rsa-trad-aes.pem key-rsa-trad-des3.pem key-rsa-trad-des.pem; do
    case_ "encrypted key $k"
    run "$B/certcheck" "${BASE[@]}" --batch --json --passin "pass:$PASS" "$F/fullchain.pem" \
        "$F/$k"
    assert_exit 0
    assert_json "codes() == {('chain.duplicate', 'info')} or codes() == set()" \
        "d['key']['source']['encrypted'] is True" "d['key']['type'] == 'RSA 2048'"
done
case_ "encrypted EC key"
run "$B/certcheck" "${BASE[@]}" --batch --json --passin "pass:$PASS" "$F/leaf-p256.pem" \
    "$F/chain.pem" "$F/key-ec-trad-aes.pem"
assert_exit 0
assert_json "codes() == set()" "d['key']['type'] == 'ECDSA P-256'"
for p in bundle-3des.p12 bundle-legacy.p12; do
    case_ "PKCS#12 $p"
    run "$B/certcheck" "${BASE[@]}" --batch --json --passin "pass:$PASS" "$F/$p"
    assert_exit 0
    assert_json "codes() == set()"
done
case_ "PKCS#12 with the empty password"
run "$B/certcheck" "${BASE[@]}" --batch --json --passin pass: "$F/bundle-emptypass.p12"
assert_exit 0
assert_json "codes() == set()"

# Issue #11: a budget of key-derivation work per bundle. Eleven keys at the per-key maximum
# (1,000,000 PBKDF2 iterations each) in one input pass the default budget of 10,000,000 and
# are refused (exit 3, naming the input and --max-kdf-work) after ten, in about 3 s instead of
# every one; --max-kdf-work raises it; --each gives every input a budget of its own.
case_ "--max-kdf-work: eleven keys at the per-key maximum in one bundle"
kdf=$T_DIR/kdf11.pem
cat "$F/leaf-rsa2048.pem" "$F/chain.pem" >"$kdf"
openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 1000000 -in "$F/leaf-rsa2048.key" \
    -passout "pass:$PASS" >"$T_DIR/key1m.pem"
for i in $(seq 11); do cat "$T_DIR/key1m.pem" >>"$kdf"; done # each copy is derived again
run "$B/certcheck" "${BASE[@]}" --batch --passin "pass:$PASS" "$kdf"
assert_exit 3
assert_err_contains "kdf11.pem: block 14"
assert_err_contains "10000000"
assert_err_contains "--max-kdf-work"
run "$B/certcheck" "${BASE[@]}" --batch --passin "pass:$PASS" --max-kdf-work 4000 \
    "$F/bundle-good.pem" "$F/key-pkcs8-aes.pem" "$F/key-pkcs8-aes.der"
assert_exit 3
assert_err_contains "key-pkcs8-aes.der"
assert_err_contains "--max-kdf-work"
run "$B/certcheck" "${BASE[@]}" --batch --passin "pass:$PASS" --max-kdf-work 4096 \
    "$F/bundle-good.pem" "$F/key-pkcs8-aes.pem" "$F/key-pkcs8-aes.der"
assert_exit 0
case_ "--max-kdf-work: --each over PKCS#12 files, a budget each"
p12s=()
for i in 1 2 3 4 5 6; do
    cp "$F/bundle-modern.p12" "$T_DIR/site$i.p12"
    p12s+=("$T_DIR/site$i.p12")
done
# each file costs 5 x 2,048 = 10,240; all six together would be 61,440
run "$B/certcheck" "${BASE[@]}" --batch --passin "pass:$PASS" --max-kdf-work 10240 --each \
    "${p12s[@]}"
assert_exit 0
run "$B/certcheck" "${BASE[@]}" --batch --passin "pass:$PASS" --max-kdf-work 10239 --each \
    "${p12s[@]}"
assert_exit 3
case_ "--max-kdf-work: not a number"
run "$B/certcheck" --max-kdf-work lots "$F/bundle-good.pem"
assert_exit 2
assert_err_contains "--max-kdf-work lots"

finish
