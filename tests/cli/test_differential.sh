#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certcheck against `openssl verify -x509_strict -purpose sslserver -verify_hostname` on every
# fixture bundle: both verdicts (pass/fail) are asserted, and every row where they differ says
# why the difference is intended. A change of either verdict fails the test: a new disagreement
# must be explained here, or fixed.
#
# certcheck runs with the same trust anchor, host name (--host) and time; its verdict is its exit
# code (0 pass, 1 a finding of error severity). OpenSSL gets the bundle as -untrusted and its
# first certificate (the leaf; LEAF when the bundle does not start with it) as the target.
. "$(dirname "$0")/lib.sh"

XTRUST=$T_DIR/xtrust.pem
cat "$F/xroot.pem" "$F/xold.pem" >"$XTRUST"
LEAF=$T_DIR/leaf.pem
ndiff=0

# Why certcheck and OpenSSL may disagree, by the key used in the table below.
declare -A WHY=(
    [cloudfront]="CloudFront's own rules (key types and sizes, no CA:TRUE leaf, replace 24 hours before expiry) are certcheck's, not a TLS verifier's"
    [key]="the private key is certcheck's business (key.mismatch); openssl verify sees certificates only"
    [browsers]="Chrome and Firefox refuse it (see the finding's message and the source comment): OpenSSL's verifier has no such rule by default"
    [issuance]="-x509_strict enforces an RFC 5280 issuance rule that browsers do not (AKI, SKI, critical basicConstraints, keyCertSign in a leaf): certcheck warns (cert.profile)"
    [backtrack]="OpenSSL verifies the first path it builds and fails; certcheck, as browsers, tries the next path, which validates"
    [wildcard]="a wildcard SAN stands for every name it could match: *.example.com reaches into the excluded bar.example.com; OpenSSL compares the string"
    [cn]="certcheck never uses the CN (browsers, RFC 9525): OpenSSL checks a host-like CN against dNSName constraints (and matches it as a host name when there is no SAN)"
    [depth]="certcheck stops at --max-depth (12 certificates by default); OpenSSL's limit is 100"
    [aki]="OpenSSL links the root by its AKI and gives up on a mismatch; browsers ignore the AKI (certcheck warns: cert.profile)"
)

# bundle | trust | host | expected certcheck | expected openssl | why (when they differ) | leaf
ROWS='
bundle-good.pem|root.pem|www.example.com|pass|pass||
bundle-rsa2048.pem|root.pem|www.example.com|pass|pass||
bundle-rsa3072.pem|root.pem|www.example.com|pass|pass||
bundle-rsa4096.pem|root.pem|www.example.com|pass|pass||
bundle-p256.pem|root.pem|www.example.com|pass|pass||
bundle-root.pem|root.pem|www.example.com|pass|pass||
bundle-shuffled.pem|root.pem|www.example.com|pass|pass||leaf-rsa2048.pem
bundle-crlf-bom.pem|root.pem|www.example.com|pass|pass||leaf-rsa2048.pem
bundle-evil.pem|root.pem|www.example.com|pass|pass||
bundle-bag.pem|root.pem|www.example.com|pass|pass||
bundle-text.pem|root.pem|www.example.com|pass|pass||
bundle-dup.pem|root.pem|www.example.com|pass|pass||
bundle-nokey.pem|root.pem|www.example.com|pass|pass||
bundle-unrelated.pem|root.pem|www.example.com|pass|pass||
bundle-ec-params.pem|root.pem|www.example.com|pass|pass||
bundle-soon.pem|root.pem|www.example.com|pass|pass||
bundle-longleaf.pem|root.pem|www.example.com|pass|pass||
bundle-wildcard.pem|root.pem|a.example.com|pass|pass||
bundle-ip.pem|root.pem|192.0.2.10|pass|pass||
bundle-cross.pem|xtrust|x.example.com|pass|pass||
bundle-cross-expired.pem|xtrust|x.example.com|pass|pass||
bundle-expired.pem|root.pem|www.example.com|fail|fail||
bundle-notyet.pem|root.pem|www.example.com|fail|fail||
bundle-clientauth.pem|root.pem|www.example.com|fail|fail||
bundle-missing-int.pem|root.pem|www.example.com|fail|fail||
bundle-ec-explicit.pem|root.pem|www.example.com|fail|fail||
bundle-imminent.pem|root.pem|www.example.com|fail|pass|cloudfront|
bundle-ca.pem|root.pem|www.example.com|fail|pass|cloudfront|
bundle-rsa1536.pem|root.pem|www.example.com|fail|pass|cloudfront|
bundle-p384.pem|root.pem|www.example.com|fail|pass|cloudfront|
bundle-p521.pem|root.pem|www.example.com|fail|pass|cloudfront|
bundle-ed25519.pem|root.pem|www.example.com|fail|pass|cloudfront|
bundle-ed448.pem|root.pem|www.example.com|fail|pass|cloudfront|
bundle-rsapss.pem|root.pem|www.example.com|fail|pass|cloudfront|
bundle-dsa.pem|root.pem|www.example.com|fail|pass|cloudfront|
bundle-wrong-key.pem|root.pem|www.example.com|fail|pass|key|
bundle-rsa1024.pem|root.pem|www.example.com|fail|pass|browsers|
bundle-sha1.pem|root.pem|www.example.com|fail|pass|browsers|
bundle-md5.pem|root.pem|www.example.com|fail|pass|browsers|
bundle-cnonly.pem|root.pem|cn.example.com|fail|pass|cn|
pki/int-eku-email.pem|root.pem|www.example.com|fail|fail||
pki/int-eku-any.pem|root.pem|www.example.com|fail|fail||
pki/int-eku-server.pem|root.pem|www.example.com|pass|pass||
pki/int-rsa1024.pem|root.pem|www.example.com|fail|pass|browsers|
pki/int-rsa2052.pem|root.pem|www.example.com|pass|pass||
pki/int-p192.pem|root.pem|www.example.com|fail|pass|browsers|
pki/int-p521.pem|root.pem|www.example.com|pass|pass||
pki/int-dsa.pem|root.pem|www.example.com|fail|pass|browsers|
pki/int-ed25519.pem|root.pem|www.example.com|fail|pass|browsers|
pki/int-ec-explicit.pem|root.pem|www.example.com|fail|fail||
pki/int-sha1.pem|root.pem|www.example.com|fail|pass|browsers|
pki/int-expired.pem|root.pem|www.example.com|fail|fail||
pki/int-notyet.pem|root.pem|www.example.com|fail|fail||
pki/root-expired.pem|pki/root-expired-ca.pem|www.example.com|fail|fail||
pki/root-sha1.pem|pki/root-sha1-ca.pem|www.example.com|pass|pass||
pki/root-badsig.pem|pki/root-badsig-ca.pem|www.example.com|pass|pass||
pki/root-rsa1024.pem|pki/root-rsa1024-ca.pem|www.example.com|fail|pass|browsers|
pki/root-eku-email.pem|pki/root-eku-email-ca.pem|www.example.com|fail|fail||
pki/pathlen.pem|root.pem|www.example.com|fail|fail||
pki/int-no-bc.pem|root.pem|www.example.com|fail|fail||
pki/int-v1.pem|root.pem|www.example.com|fail|fail||
pki/int-no-certsign.pem|root.pem|www.example.com|fail|fail||
pki/int-unknown-critical.pem|root.pem|www.example.com|fail|fail||
pki/leaf-unknown-critical.pem|root.pem|www.example.com|fail|fail||
pki/leaf-empty-subject.pem|root.pem|www.example.com|fail|fail||
pki/leaf-aia-bad.pem|root.pem|www.example.com|fail|pass|browsers|
pki/int-bc-noncritical.pem|root.pem|www.example.com|pass|fail|issuance|
pki/int-no-ski.pem|root.pem|www.example.com|pass|fail|issuance|
pki/int-pc-noncritical.pem|root.pem|www.example.com|pass|pass||
pki/leaf-no-aki.pem|root.pem|www.example.com|pass|fail|issuance|
pki/leaf-keycertsign.pem|root.pem|www.example.com|pass|fail|issuance|
pki/leaf-nc.pem|root.pem|www.example.com|pass|pass||
pki/root-aki-mismatch.pem|pki/root-aki-mismatch-ca.pem|www.example.com|pass|fail|aki|
pki/leaf-serial-zero.pem|root.pem|www.example.com|pass|pass||
pki/leaf-serial-long.pem|root.pem|www.example.com|pass|pass||
pki/leaf-underscore.pem|root.pem|www.example.com|pass|pass||
pki/leaf-cn-not-san.pem|root.pem|www.example.com|pass|pass||
pki/leaf-eku-any.pem|root.pem|www.example.com|fail|fail||
pki/leaf-eku-ocsp.pem|root.pem|www.example.com|fail|pass|browsers|
pki/nc-dns-ok.pem|root.pem|www.example.com|pass|pass||
pki/nc-dns-outside.pem|root.pem|www.example.org|fail|fail||
pki/nc-wildcard-ok.pem|root.pem|a.example.com|pass|pass||
pki/nc-ip-only-san.pem|root.pem|192.0.2.10|pass|fail|cn|
pki/nc-ip-outside.pem|root.pem|host.example.com|fail|fail||
pki/nc-cn-ignored.pem|root.pem|www.example.com|pass|pass||
pki/nc-wildcard-excluded.pem|root.pem|a.example.com|fail|pass|wildcard|
pki/nc-excluded-ok.pem|root.pem|www.example.com|pass|pass||
pki/nc-wildcard-partial.pem|root.pem|bar.example.com|fail|fail||
pki/nc-email.pem|root.pem|www.example.com|fail|fail||
pki/nc-uri.pem|root.pem|www.example.com|fail|fail||
pki/nc-dirname-ok.pem|root.pem|www.example.com|pass|pass||
pki/nc-dirname.pem|root.pem|www.example.com|fail|fail||
pki/cross-short-bad.pem|pki/cross-ca.pem|www.example.com|pass|fail|backtrack|
pki/cross-long-bad.pem|pki/cross-ca.pem|www.example.com|pass|pass||
pki/deep.pem|root.pem|www.example.com|fail|pass|depth|
pki/loop.pem|root.pem|www.example.com|fail|fail||
pki/bomb.pem|root.pem|www.example.com|fail|fail||
pki/ct-none.pem|root.pem|www.example.com|pass|pass||
pki/ct-two.pem|root.pem|www.example.com|pass|pass||
pki/ct-two-long.pem|root.pem|www.example.com|pass|pass||
pki/ct-three.pem|root.pem|www.example.com|pass|pass||
pki/lifetime.pem|root.pem|www.example.com|pass|pass||
'

while IFS='|' read -r bundle trust host want_cc want_os why leaf; do
    [ -n "$bundle" ] || continue
    case_ "$bundle (--host $host)"
    [ "$trust" = xtrust ] && trust=$XTRUST || trust=$F/$trust
    if [ -n "$leaf" ]; then
        cp "$F/$leaf" "$LEAF"
    else
        awk '/-----BEGIN CERTIFICATE-----/ {i++} i == 1 {print}
             /-----END CERTIFICATE-----/ && i == 1 {exit}' "$F/$bundle" >"$LEAF"
    fi
    hostopt=(-verify_hostname "$host")
    [[ $host =~ ^[0-9.]+$ ]] && hostopt=(-verify_ip "$host")
    run "$B/certcheck" "${AT_OPT[@]}" --batch --ca-file "$trust" --host "$host" "$F/$bundle"
    got_cc=pass
    [ "$RC" = 0 ] || got_cc=fail
    assert_exit 0 1
    run openssl verify -x509_strict -purpose sslserver "${hostopt[@]}" -attime "$ATTIME" \
        -CAfile "$trust" -untrusted "$F/$bundle" "$LEAF"
    got_os=pass
    [ "$RC" = 0 ] || got_os=fail
    assert_eq "certcheck's verdict" "$want_cc" "$got_cc"
    assert_eq "openssl verify's verdict ($(grep -o 'error [0-9]* at .*' "$T_OUT" | head -n 1))" \
        "$want_os" "$got_os"
    if [ "$want_cc" != "$want_os" ]; then
        ndiff=$((ndiff + 1))
        assert_true "the disagreement has a reason" test -n "${WHY[$why]:-}"
        echo "  intended disagreement, $bundle: certcheck $want_cc, openssl $want_os: ${WHY[$why]:-?}" >&2
    else
        assert_eq "no reason given where they agree" "" "$why"
    fi
done <<<"$ROWS"
# Every fixture bundle is in the table, or here with why it is not a verification input.
declare -A NOT_VERIFIED=(
    [bundle-two-leaves.pem]="two leaves and no key: certcheck stops at the input (--leaf picks one), there is no verdict to compare"
)
case_ "every fixture bundle has a row"
for b in "$F"/bundle-*.pem "$F"/pki/*.pem; do
    rel=${b#"$F"/}
    case $rel in pki/*-ca.pem | pki/crl-*) continue ;; esac
    if [ -n "${NOT_VERIFIED[$rel]:-}" ]; then
        continue
    fi
    assert_true "$rel has a row" grep -q "^$rel|" <<<"$ROWS"
done

case_ "summary"
echo "$ndiff intended disagreements" >&2
assert_true "some disagreements are listed" test "$ndiff" -gt 0

finish
