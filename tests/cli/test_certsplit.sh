#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certsplit: the files it writes (modes, content checked with the openssl CLI: verify, key
# match, PKCS#8 / traditional key), byte-identical output across runs and input forms, the
# refusals (nothing written, no temporaries left), --strict, --allow, --force and existing
# files, --stdout, --prefix, --out-dir, cross-signed chains.
. "$(dirname "$0")/lib.sh"

umask 022
XTRUST=$T_DIR/xtrust.pem
cat "$F/xroot.pem" "$F/xold.pem" >"$XTRUST"
PARTS=(cert chain key fullchain)

pubkey_of_cert()
{
    openssl x509 -in "$1" -noout -pubkey
}
pubkey_of_key()
{
    openssl pkey -in "$1" -pubout -passin pass:not-needed
}
fps()
{
    pem_fingerprints "$1" | tr '\n' ' '
}
FP_LEAF=$(fps "$F/leaf-rsa2048.pem")
FP_INT2=$(fps "$F/int2.pem")
FP_INT1=$(fps "$F/int1.pem")
FP_ROOT=$(fps "$F/root.pem")

# --- the reference split -------------------------------------------------------------------------
case_ "split bundle-good.pem"
newdir ref && REF=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --fullchain -o "$REF" "$F/bundle-good.pem"
assert_exit 0
assert_err_empty
assert_eq "stdout lists the files" "$(printf "$REF/%s.pem\n" "${PARTS[@]}")" "$(cat "$T_OUT")"
assert_mode "$REF/cert.pem" 644
assert_mode "$REF/chain.pem" 644
assert_mode "$REF/key.pem" 600
assert_mode "$REF/fullchain.pem" 644
assert_no_tmp "$REF"
case_ "openssl verify accepts the split"
assert_true "openssl verify -attime $ATTIME -CAfile root.pem -untrusted chain.pem cert.pem" \
    openssl verify -attime "$ATTIME" -CAfile "$F/root.pem" -untrusted "$REF/chain.pem" \
    "$REF/cert.pem"
assert_true "openssl verify of fullchain.pem's leaf" \
    openssl verify -attime "$ATTIME" -CAfile "$F/root.pem" -untrusted "$REF/fullchain.pem" \
    "$REF/cert.pem"
case_ "cert.pem is the leaf, alone"
assert_eq "cert.pem" "$FP_LEAF" "$(fps "$REF/cert.pem")"
assert_same "cert.pem is the fixture's PEM" "$F/leaf-rsa2048.pem" "$REF/cert.pem"
case_ "chain.pem: the leaf's issuer first, then its issuer; no root"
assert_eq "chain.pem" "$FP_INT2$FP_INT1" "$(fps "$REF/chain.pem")"
assert_eq "first of chain.pem is the leaf's issuer" \
    "$(openssl x509 -in "$REF/cert.pem" -noout -issuer | sed 's/^issuer=//')" \
    "$(pem_subjects "$REF/chain.pem" | head -n 1)"
assert_eq "no self-signed certificate in chain.pem" "" \
    "$(paste -d'|' <(pem_subjects "$REF/chain.pem") <(pem_issuers "$REF/chain.pem") |
        awk -F'|' '$1 == $2')"
case_ "fullchain.pem is cert.pem then chain.pem"
assert_same "fullchain.pem" "$REF/fullchain.pem" <(cat "$REF/cert.pem" "$REF/chain.pem")
case_ "key.pem: unencrypted PKCS#8, the leaf's key"
assert_eq "first line" "-----BEGIN PRIVATE KEY-----" "$(head -n 1 "$REF/key.pem")"
assert_eq "one key and nothing else" "1" "$(grep -c -- '-----BEGIN' "$REF/key.pem")"
assert_true "openssl reads it without a passphrase" \
    openssl pkey -in "$REF/key.pem" -noout -passin pass:not-the-passphrase
assert_eq "key.pem's public key is the leaf's" "$(pubkey_of_cert "$REF/cert.pem")" \
    "$(pubkey_of_key "$REF/key.pem")"
assert_same "key.pem is the fixture's key (DER)" \
    <(openssl pkey -in "$F/leaf-rsa2048.key" -outform DER) \
    <(openssl pkey -in "$REF/key.pem" -outform DER)
assert_eq "PKCS#8 structure" "rsaEncryption" \
    "$(openssl asn1parse -in "$REF/key.pem" | grep -o 'rsaEncryption' | head -n 1)"

case_ "--with-root appends the root"
newdir root && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --with-root -o "$d" "$F/bundle-good.pem"
assert_exit 0
assert_eq "chain.pem" "$FP_INT2$FP_INT1$FP_ROOT" "$(fps "$d/chain.pem")"
assert_true "openssl verify" openssl verify -attime "$ATTIME" -CAfile "$F/root.pem" \
    -untrusted "$d/chain.pem" "$d/cert.pem"

# --- the same bytes whatever the input's form or order --------------------------------------------
# same_split WHAT ARGS...: certsplit --fullchain ARGS writes exactly the reference files.
same_split()
{
    local what=$1 d p

    shift
    case_ "same output: $what"
    newdir same && d=$NEWDIR
    run "$B/certsplit" "${BASE[@]}" --fullchain -o "$d" "$@"
    assert_exit 0
    for p in "${PARTS[@]}"; do
        assert_same_text "$p.pem" "$REF/$p.pem" "$d/$p.pem"
    done
    assert_mode "$d/key.pem" 600
    names_in "$d"
    assert_eq "files" "cert.pem chain.pem fullchain.pem key.pem" "$NAMES"
}
same_split "a second run" "$F/bundle-good.pem"
same_split "shuffled" "$F/bundle-shuffled.pem"
same_split "BOM, CRLF, trailing blanks" "$F/bundle-crlf-bom.pem"
same_split "Bag Attributes" "$F/bundle-bag.pem"
same_split "e-mail text around the blocks" "$F/bundle-text.pem"
same_split "duplicates" "$F/bundle-dup.pem"
same_split "root in the input" "$F/bundle-root.pem"
same_split "PKCS#12" --passin "pass:$PASS" "$F/bundle-modern.p12"
same_split "PKCS#12, legacy" --passin "pass:$PASS" "$F/bundle-legacy.p12"
same_split "PKCS#12, 3DES" --passin "pass:$PASS" "$F/bundle-3des.p12"
same_split "certbot directory" "$LE"
same_split "certbot files" "$LE/cert.pem" "$LE/chain.pem" "$LE/privkey.pem"
same_split "certbot files, key first" "$LE/privkey.pem" "$LE/chain.pem" "$LE/cert.pem"
same_split "certbot fullchain + privkey" "$LE/fullchain.pem" "$LE/privkey.pem"
same_split "its own output, as separate files" "$REF/cert.pem" "$REF/chain.pem" "$REF/key.pem"
same_split "DER leaf, PEM chain, DER key" "$F/leaf-rsa2048.der" "$F/chain.pem" \
    "$F/key-rsa2048.der"
same_split "PKCS#7 chain and the key" "$F/chain.p7b" "$F/leaf-rsa2048.key"
same_split "encrypted PKCS#8 key" --passin "pass:$PASS" "$F/fullchain.pem" \
    "$F/key-pkcs8-aes.pem"
same_split "encrypted traditional key" --passin "file:$F/pass.txt" "$F/fullchain.pem" \
    "$F/key-rsa-trad-des3.pem"
same_split "stdin (PEM)" - <"$F/bundle-shuffled.pem"
same_split "stdin (PKCS#12)" --passin "pass:$PASS" - <"$F/bundle-modern.p12"

# --- key formats ----------------------------------------------------------------------------------
case_ "--key-format traditional, RSA"
newdir trad && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --key-format traditional -o "$d" "$F/bundle-good.pem"
assert_exit 0
assert_eq "first line" "-----BEGIN RSA PRIVATE KEY-----" "$(head -n 1 "$d/key.pem")"
assert_true "openssl rsa -check" openssl rsa -in "$d/key.pem" -check -noout -passin pass:not-the-passphrase
assert_eq "public key" "$(pubkey_of_cert "$d/cert.pem")" "$(pubkey_of_key "$d/key.pem")"
assert_mode "$d/key.pem" 600
assert_same "cert.pem as with PKCS#8" "$REF/cert.pem" "$d/cert.pem"
case_ "--key-format traditional, EC P-256"
newdir trad && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --key-format traditional -o "$d" "$F/bundle-p256.pem"
assert_exit 0
assert_eq "first line" "-----BEGIN EC PRIVATE KEY-----" "$(head -n 1 "$d/key.pem")"
assert_true "openssl ec -check" openssl ec -in "$d/key.pem" -check -noout -passin pass:not-the-passphrase
assert_eq "public key" "$(pubkey_of_cert "$F/leaf-p256.pem")" "$(pubkey_of_key "$d/key.pem")"
case_ "EC P-256, default PKCS#8, from PKCS#8 and from SEC1 input alike"
newdir p256 && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" -o "$d" "$F/bundle-p256.pem"
assert_exit 0
assert_eq "first line" "-----BEGIN PRIVATE KEY-----" "$(head -n 1 "$d/key.pem")"
assert_eq "public key" "$(pubkey_of_cert "$F/leaf-p256.pem")" "$(pubkey_of_key "$d/key.pem")"
newdir p256 && e=$NEWDIR
run "$B/certsplit" "${BASE[@]}" -o "$e" "$F/bundle-ec-params.pem"
assert_exit 0
assert_same "key.pem from SEC1 + EC PARAMETERS" "$d/key.pem" "$e/key.pem"
assert_same "chain.pem" "$d/chain.pem" "$e/chain.pem"

# --- refusals: nothing written, no temporaries ------------------------------------------------------
# refused CODE ARGS... INPUT: exit 1, the out dir stays empty, stderr says what and why, as
# "certsplit: INPUT: <problem>; <fix>".
refused()
{
    local code=$1 d

    shift
    newdir refused && d=$NEWDIR
    run "$B/certsplit" "${BASE[@]}" -o "$d" "$@"
    assert_exit 1
    assert_out_empty
    assert_dir_empty "$d"
    assert_err_line "^certsplit: .*nothing written.*$code"
    assert_diag certsplit "${*: -1}"
}
case_ "refuses on key.mismatch"
refused key.mismatch --fullchain "$F/bundle-wrong-key.pem"
case_ "refuses on chain.incomplete"
refused chain.incomplete --fullchain "$F/bundle-missing-int.pem"
case_ "refuses on key.missing"
refused key.missing "$F/bundle-nokey.pem"
case_ "--force does not override a refusal"
refused key.mismatch --force "$F/bundle-wrong-key.pem"
case_ "--strict refuses on an expired leaf"
refused cert.expired --strict "$F/bundle-expired.pem"
assert_err_contains "--strict"
case_ "--strict refuses on a weak key"
refused key.weak --strict "$F/bundle-rsa1024.pem"

case_ "--no-key writes the certificates alone"
newdir nokey && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --no-key -o "$d" "$F/bundle-nokey.pem"
assert_exit 0
assert_eq "stdout" "$(printf '%s\n' "$d/cert.pem" "$d/chain.pem")" "$(cat "$T_OUT")"
assert_same "cert.pem" "$REF/cert.pem" "$d/cert.pem"
assert_same "chain.pem" "$REF/chain.pem" "$d/chain.pem"
assert_absent "$d/key.pem"
newdir nokey && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --no-key --fullchain -o "$d" "$F/bundle-good.pem"
assert_exit 0
assert_absent "$d/key.pem"
assert_same "fullchain.pem" "$REF/fullchain.pem" "$d/fullchain.pem"

# went_ahead CODE ARGS...: exit 0, the three files written, CODE reported on stderr.
went_ahead()
{
    local code=$1 d

    shift
    newdir ahead && d=$NEWDIR
    run "$B/certsplit" "${BASE[@]}" -o "$d" "$@"
    assert_exit 0
    assert_present "$d/cert.pem" "$d/chain.pem" "$d/key.pem"
    assert_mode "$d/key.pem" 600
    assert_no_tmp "$d"
    assert_err_contains "$code"
    assert_eq "public key" "$(pubkey_of_cert "$d/cert.pem")" "$(pubkey_of_key "$d/key.pem")"
    LAST_DIR=$d
}
case_ "goes ahead without --strict: expired"
went_ahead cert.expired "$F/bundle-expired.pem"
case_ "goes ahead without --strict: weak key"
went_ahead key.weak "$F/bundle-rsa1024.pem"
case_ "goes ahead without --strict: weak signature"
went_ahead sig.weak "$F/bundle-sha1.pem"
case_ "goes ahead without --strict: untrusted"
newdir ahead && d=$NEWDIR
run "$B/certsplit" "${AT_OPT[@]}" --ca-file "$F/other-ca.pem" -o "$d" "$F/bundle-root.pem"
assert_exit 0
assert_err_contains chain.untrusted
assert_same "chain.pem" "$REF/chain.pem" "$d/chain.pem"
case_ "--strict goes ahead with warnings and info"
went_ahead cert.expires_soon --strict "$F/bundle-soon.pem"
newdir strict && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --strict -o "$d" "$F/bundle-shuffled.pem"
assert_exit 0
case_ "--strict --allow cert.expired"
went_ahead "allowed" --strict --allow cert.expired "$F/bundle-expired.pem"

# --allow CODE lets a refused split go ahead and says "allowed".
case_ "--allow chain.incomplete"
went_ahead "allowed" --allow chain.incomplete "$F/bundle-missing-int.pem"
assert_eq "cert.pem is the leaf" "$FP_LEAF" "$(fps "$LAST_DIR/cert.pem")"
case_ "--allow key.mismatch"
newdir allow && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --allow key.mismatch -o "$d" "$F/bundle-wrong-key.pem"
assert_exit 0
assert_err_contains "allowed"
assert_present "$d/cert.pem" "$d/chain.pem"
assert_no_tmp "$d"
case_ "--allow key.missing"
newdir allow && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --allow key.missing -o "$d" "$F/bundle-nokey.pem"
assert_exit 0
assert_err_contains "allowed"
assert_present "$d/cert.pem" "$d/chain.pem"
assert_absent "$d/key.pem"

# --- existing files and --force ----------------------------------------------------------------------
case_ "an existing file stops the whole split"
newdir exist && d=$NEWDIR
echo "old chain" >"$d/chain.pem"
run "$B/certsplit" "${BASE[@]}" -o "$d" "$F/bundle-good.pem"
assert_exit 2
assert_out_empty
assert_diag certsplit "$d/chain.pem"
assert_err_contains "--force"
names_in "$d"
assert_eq "files" "chain.pem" "$NAMES"
assert_eq "chain.pem untouched" "old chain" "$(cat "$d/chain.pem")"
case_ "an existing key.pem stops it too (checked before anything is written)"
newdir exist && d=$NEWDIR
echo "old key" >"$d/key.pem"
run "$B/certsplit" "${BASE[@]}" --fullchain -o "$d" "$F/bundle-good.pem"
assert_exit 2
names_in "$d"
assert_eq "files" "key.pem" "$NAMES"
assert_eq "key.pem untouched" "old key" "$(cat "$d/key.pem")"
case_ "an existing fullchain.pem matters only with --fullchain"
newdir exist && d=$NEWDIR
echo "old" >"$d/fullchain.pem"
run "$B/certsplit" "${BASE[@]}" -o "$d" "$F/bundle-good.pem"
assert_exit 0
assert_eq "fullchain.pem untouched" "old" "$(cat "$d/fullchain.pem")"
case_ "a symlink in the way stops the split; its target is untouched"
newdir exist && d=$NEWDIR
echo "target" >"$T_DIR/target"
ln -s "$T_DIR/target" "$d/cert.pem"
run "$B/certsplit" "${BASE[@]}" -o "$d" "$F/bundle-good.pem"
assert_exit 2
assert_eq "target" "target" "$(cat "$T_DIR/target")"
assert_absent "$d/chain.pem" "$d/key.pem"
case_ "--force overwrites, and only files"
run "$B/certsplit" "${BASE[@]}" --force -o "$d" "$F/bundle-good.pem"
assert_exit 0
assert_eq "symlink target untouched" "target" "$(cat "$T_DIR/target")"
assert_false "cert.pem is no longer a symlink" test -L "$d/cert.pem"
assert_same "cert.pem" "$REF/cert.pem" "$d/cert.pem"
case_ "--force over old files: new content, modes set again"
newdir force && d=$NEWDIR
for p in cert chain key; do
    echo "old $p" >"$d/$p.pem"
    chmod 666 "$d/$p.pem"
done
run "$B/certsplit" "${BASE[@]}" --force -o "$d" "$F/bundle-good.pem"
assert_exit 0
for p in cert chain key; do
    assert_same "$p.pem" "$REF/$p.pem" "$d/$p.pem"
done
assert_mode "$d/key.pem" 600
assert_mode "$d/cert.pem" 644
assert_no_tmp "$d"

case_ "the key stays 0600 whatever the umask"
newdir umask && d=$NEWDIR
(umask 000 && "$B/certsplit" "${BASE[@]}" -q -o "$d" "$F/bundle-good.pem")
assert_mode "$d/key.pem" 600

# --- --stdout -----------------------------------------------------------------------------------------
for p in "${PARTS[@]}"; do
    case_ "--stdout $p"
    newdir stdout && d=$NEWDIR
    run env -C "$d" "$B/certsplit" "${BASE[@]}" --stdout "$p" "$F/bundle-good.pem"
    assert_exit 0
    assert_same "stdout is $p.pem" "$REF/$p.pem" "$T_OUT"
    assert_dir_empty "$d"
done
case_ "--stdout key with --key-format traditional"
run "$B/certsplit" "${BASE[@]}" --stdout key --key-format traditional "$F/bundle-p256.pem"
assert_exit 0
assert_eq "first line" "-----BEGIN EC PRIVATE KEY-----" "$(head -n 1 "$T_OUT")"
case_ "--stdout chain needs no key"
run "$B/certsplit" "${BASE[@]}" --stdout chain "$F/bundle-nokey.pem"
assert_exit 0
assert_same "chain" "$REF/chain.pem" "$T_OUT"
case_ "--stdout key without a key is refused"
run "$B/certsplit" "${BASE[@]}" --stdout key "$F/bundle-nokey.pem"
assert_exit 1
assert_out_empty
case_ "--stdout key into a world-readable file: a warning"
kf=$T_DIR/key-out.pem
: >"$kf"
chmod 644 "$kf"
"$B/certsplit" "${BASE[@]}" --stdout key "$F/bundle-good.pem" >"$kf" 2>"$T_DIR/warn.err"
assert_true "stderr warns about a world-readable file" grep -q "world-readable" "$T_DIR/warn.err"
assert_same "the key" "$REF/key.pem" "$kf"
chmod 600 "$kf"
"$B/certsplit" "${BASE[@]}" --stdout key "$F/bundle-good.pem" >"$kf" 2>"$T_DIR/warn.err"
assert_false "no warning for a 0600 file" test -s "$T_DIR/warn.err"

# --- --prefix, --out-dir ------------------------------------------------------------------------------
case_ "--prefix with --out-dir"
newdir prefix && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --prefix www.example.com- --fullchain -o "$d" \
    "$F/bundle-good.pem"
assert_exit 0
assert_eq "stdout" "$(printf "$d/www.example.com-%s.pem\n" "${PARTS[@]}")" "$(cat "$T_OUT")"
for p in "${PARTS[@]}"; do
    assert_same "www.example.com-$p.pem" "$REF/$p.pem" "$d/www.example.com-$p.pem"
done
assert_mode "$d/www.example.com-key.pem" 600
assert_absent "$d/cert.pem" "$d/chain.pem" "$d/key.pem"
case_ "--out-dir defaults to the current directory"
newdir cwd && d=$NEWDIR
run env -C "$d" "$B/certsplit" "${BASE[@]}" "$F/bundle-good.pem"
assert_exit 0
for p in cert chain key; do
    assert_same "$p.pem" "$REF/$p.pem" "$d/$p.pem"
done
case_ "--out-dir that does not exist"
run "$B/certsplit" "${BASE[@]}" -o "$T_DIR/no/such/dir" "$F/bundle-good.pem"
assert_exit 2 3
assert_err_contains "$T_DIR/no/such/dir"
assert_absent "$T_DIR/no"

# --- cross-signed chains -------------------------------------------------------------------------------
case_ "cross-sign: the short path to the new root"
newdir cross && d=$NEWDIR
run "$B/certsplit" "${AT_OPT[@]}" --ca-file "$XTRUST" -o "$d" "$F/bundle-cross.pem"
assert_exit 0
assert_eq "chain.pem" "$(fps "$F/xr3.pem")" "$(fps "$d/chain.pem")"
assert_true "openssl verify with the new root" openssl verify -attime "$ATTIME" \
    -CAfile "$F/xroot.pem" -untrusted "$d/chain.pem" "$d/cert.pem"
case_ "cross-sign: --preferred-chain picks the old root's path"
newdir cross && d=$NEWDIR
run "$B/certsplit" "${AT_OPT[@]}" --ca-file "$XTRUST" --preferred-chain "libcert Test Old Root" \
    -o "$d" "$F/bundle-cross.pem"
assert_exit 0
assert_eq "chain.pem" "$(fps "$F/xr3.pem")$(fps "$F/xcross-valid.pem")" "$(fps "$d/chain.pem")"
assert_true "openssl verify with the old root" openssl verify -attime "$ATTIME" \
    -CAfile "$F/xold.pem" -untrusted "$d/chain.pem" "$d/cert.pem"
case_ "cross-sign: the expired cross is dropped, and said"
newdir cross && d=$NEWDIR
run "$B/certsplit" "${AT_OPT[@]}" --ca-file "$XTRUST" -o "$d" "$F/bundle-cross-expired.pem"
assert_exit 0
assert_err_contains "chain.cross_expired"
assert_eq "chain.pem" "$(fps "$F/xr3.pem")" "$(fps "$d/chain.pem")"
case_ "text before BEGIN on the same line: the block is read, cert.pem is the leaf"
# Issue #11: "Subject: ... -----BEGIN CERTIFICATE-----" (a mail client's or a CA portal's
# copy) was skipped silently, and another certificate of the bundle became the leaf.
textbegin=$T_DIR/textbegin.pem
awk 'NR == 1 { print "Subject: www.example.com -----BEGIN CERTIFICATE-----"; next } 1' \
    "$F/bundle-good.pem" >"$textbegin"
newdir textbegin && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" -o "$d" "$textbegin"
assert_exit 0
assert_eq "cert.pem is the leaf" "$FP_LEAF" "$(fps "$d/cert.pem")"
assert_eq "chain.pem" "$FP_INT2$FP_INT1" "$(fps "$d/chain.pem")"
textnokey=$T_DIR/textnokey.pem
awk 'NR == 1 { print "bag: leaf\t-----BEGIN CERTIFICATE-----"; next } 1' "$F/bundle-nokey.pem" \
    >"$textnokey"
newdir textnokey && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --no-key -o "$d" "$textnokey"
assert_exit 0
assert_eq "cert.pem is the leaf, not an intermediate" "$FP_LEAF" "$(fps "$d/cert.pem")"

case_ "an intermediate expiring before the leaf: still split, in order"
newdir longleaf && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" -o "$d" "$F/bundle-longleaf.pem"
assert_exit 0
assert_err_contains "chain.expires_first"
assert_eq "chain.pem" "$(fps "$F/int-short.pem")$FP_INT1" "$(fps "$d/chain.pem")"

finish
