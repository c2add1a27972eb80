#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Exit codes of design.md that local tools can produce (0, 1, 2, 3; 4 and 5 need AWS), the
# usage message (one line plus "try 'TOOL --help'" on stderr, nothing on stdout), and the
# diagnostics of input errors ("TOOL: <input>: <problem>; <fix>", style.md section 6).
. "$(dirname "$0")/lib.sh"

# --- 0 and 1 -----------------------------------------------------------------------------------
case_ "0: clean bundle"
run "$B/certcheck" "${BASE[@]}" "$F/bundle-good.pem"
assert_exit 0
assert_err_empty
case_ "0: warnings only"
run "$B/certcheck" "${BASE[@]}" "$F/bundle-soon.pem"
assert_exit 0
case_ "0: info only"
run "$B/certcheck" "${BASE[@]}" "$F/bundle-shuffled.pem"
assert_exit 0
case_ "1: an error finding"
run "$B/certcheck" "${BASE[@]}" "$F/bundle-expired.pem"
assert_exit 1
case_ "1: certsplit refuses"
newdir refuse && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" -o "$d" "$F/bundle-wrong-key.pem"
assert_exit 1
assert_dir_empty "$d"

for tool in certcheck certsplit; do
    case_ "$tool --help"
    run "$B/$tool" --help
    assert_exit 0
    assert_err_empty
    assert_out_contains "usage: $tool "
    assert_out_contains "Exit codes:"
    case_ "$tool --version"
    run "$B/$tool" --version
    assert_exit 0
    assert_out_contains "libcert"
    assert_out_contains "OpenSSL"
    assert_out_contains "libcurl"
    assert_out_contains "libxml2"
done

# --- OpenSSL's habits and single-dash words (issue #15): refused, the option named -----------
habit_case()
{
    local tool=$1 want=$2

    shift 2
    case_ "2: $tool $* says: $want"
    run "$B/$tool" "$@" </dev/null
    assert_usage "$tool"
    assert_err_contains "$want"
}
habit_case certcheck "unknown option -passin: did you mean --passin?" -passin pass:x "$F/bundle-good.pem"
habit_case certsplit "unknown option -in (an OpenSSL option?)" -in "$F/bundle-good.pem"
habit_case certsplit "did you mean --out-dir DIR" -out dest "$F/bundle-good.pem"
habit_case certcheck "did you mean --ca-file?" -CAfile "$F/root.pem" "$F/bundle-good.pem"
habit_case certsplit "unknown option -outdir: did you mean --out-dir?" -outdir d "$F/bundle-good.pem"
habit_case certsplit "write -o ut_ (or --out-dir=ut_)" -out_ "$F/bundle-good.pem"
habit_case certcheck "unknown option -Z" -qZ "$F/bundle-good.pem"
case_ "-out is never read as -o ut: no directory ut appears"
newdir habit && d=$NEWDIR
(cd "$d" && run "$B/certsplit" -out x "$F/bundle-good.pem")
assert_dir_empty "$d"
case_ "an unambiguous attached value stays allowed: -j2"
run "$B/certcheck" "${BASE[@]}" --each -j2 "$F/bundle-good.pem"
assert_exit 0

# --- 2: usage errors ------------------------------------------------------------------------------
usage_case()
{
    local tool=$1

    shift
    case_ "2: $tool $*"
    run "$B/$tool" "$@" </dev/null
    assert_usage "$tool"
}
for tool in certcheck certsplit; do
    usage_case "$tool" --no-such-option "$F/bundle-good.pem"
    usage_case "$tool" -Z "$F/bundle-good.pem"
    usage_case "$tool" "$F/bundle-good.pem" --at
    usage_case "$tool" "$F/bundle-good.pem" --ca-file
    usage_case "$tool" --at yesterday "$F/bundle-good.pem"
    usage_case "$tool" --at 2026-13-01T00:00:00Z "$F/bundle-good.pem"
    usage_case "$tool" --days abc "$F/bundle-good.pem"
    usage_case "$tool" --days -1 "$F/bundle-good.pem"
    usage_case "$tool" --days 99999999 "$F/bundle-good.pem"
    usage_case "$tool" --allow no.such.code "$F/bundle-good.pem"
    usage_case "$tool" --color sometimes "$F/bundle-good.pem"
    usage_case "$tool" --passin nonsense:x "$F/bundle-good.pem"
    usage_case "$tool" --json --no-such-option "$F/bundle-good.pem"
    usage_case "$tool" "${BASE[@]}"
done
usage_case certcheck --jobs many --each "$F/bundle-good.pem"
usage_case certsplit --stdout key --no-key "$F/bundle-good.pem"
usage_case certsplit --no-key --stdout key "$F/bundle-good.pem"
usage_case certsplit --stdout everything "$F/bundle-good.pem"
usage_case certsplit --key-format der "$F/bundle-good.pem"
usage_case certsplit --prefix sub/dir. "$F/bundle-good.pem"
case_ "2: a usage error writes nothing"
newdir usage && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" -o "$d" --bogus "$F/bundle-good.pem"
assert_exit 2
assert_dir_empty "$d"

# --- 3: input errors ------------------------------------------------------------------------------
# input_case TOOL INPUT-NAMED-IN-MESSAGE ARGS...: exit 3, the message names the input with a fix,
# and certsplit writes nothing.
input_case()
{
    local tool=$1 named=$2 d

    shift 2
    newdir in3 && d=$NEWDIR
    if [ "$tool" = certsplit ]; then
        run_timeout 20 "$B/$tool" "${BASE[@]}" --batch -o "$d" "$@" </dev/null
    else
        run_timeout 20 "$B/$tool" "${BASE[@]}" --batch "$@" </dev/null
    fi
    assert_exit 3
    assert_diag "$tool" "$named"
    assert_dir_empty "$d"
}
for tool in certcheck certsplit; do
    for f in bad-base64.pem bad-der.pem truncated.der garbage.bin empty.pem text-only.txt; do
        case_ "3: $tool $f"
        input_case "$tool" "$F/$f" "$F/$f"
    done
    case_ "3: $tool bad-base64.pem names the block and the line"
    input_case "$tool" "$F/bad-base64.pem" "$F/bad-base64.pem"
    assert_err_line "bad-base64\.pem: block 2 \(line 22\): line 30 "
    case_ "3: $tool bad input among good ones"
    input_case "$tool" "$F/garbage.bin" "$F/bundle-good.pem" "$F/garbage.bin"
    case_ "3: $tool missing file"
    input_case "$tool" "$T_DIR/no-such-file.pem" "$T_DIR/no-such-file.pem"
    case_ "3: $tool directory without certificates"
    newdir emptyinput && e=$NEWDIR
    input_case "$tool" "$e" "$e"
    case_ "3: $tool empty stdin"
    input_case "$tool" "<stdin>" -
    case_ "3: $tool wrong passphrase, PKCS#12"
    input_case "$tool" "$F/bundle-modern.p12" --passin pass:wrong "$F/bundle-modern.p12"
    assert_err_contains "passphrase"
    case_ "3: $tool wrong passphrase, PKCS#8"
    input_case "$tool" "$F/key-pkcs8-aes.pem" --passin pass:wrong "$F/fullchain.pem" \
        "$F/key-pkcs8-aes.pem"
    assert_err_contains "passphrase"
    case_ "3: $tool wrong passphrase, traditional PEM"
    input_case "$tool" "$F/key-rsa-trad-aes.pem" --passin pass:wrong "$F/fullchain.pem" \
        "$F/key-rsa-trad-aes.pem"
    assert_err_contains "passphrase"
    for f in key-pkcs8-aes.pem key-rsa-trad-aes.pem bundle-modern.p12; do
        case_ "3: $tool --batch and no --passin: $f"
        input_case "$tool" "$F/$f" "$F/fullchain.pem" "$F/$f"
        assert_err_contains "--passin"
    done
    for f in key-pkcs8-hugeiter.der key-pkcs8-hugeiter.pem bundle-hugeiter.p12; do
        case_ "3: $tool absurd iteration count refused fast: $f"
        input_case "$tool" "$F/$f" --passin "pass:$PASS" "$F/fullchain.pem" "$F/$f"
        assert_true "refused in under 2 s (took $MS ms)" test "$MS" -lt 2000
    done
    case_ "3: $tool two leaves, no key: the input and the way out (--leaf)"
    input_case "$tool" "$F/bundle-two-leaves.pem" "$F/bundle-two-leaves.pem"
    assert_err_contains "--leaf"
    case_ "3: $tool unreadable --ca-file"
    run "$B/$tool" "${AT_OPT[@]}" --ca-file "$T_DIR/no-such-ca.pem" "$F/bundle-good.pem"
    assert_exit 3
    assert_err_contains "$T_DIR/no-such-ca.pem"
done

# --- highest code over several items --------------------------------------------------------------
case_ "--each: 0 and 0"
run "$B/certcheck" "${BASE[@]}" --each "$F/bundle-good.pem" "$F/bundle-soon.pem"
assert_exit 0
case_ "--each: 0 and 1"
run "$B/certcheck" "${BASE[@]}" --each "$F/bundle-good.pem" "$F/bundle-expired.pem" \
    "$F/bundle-soon.pem"
assert_exit 1
case_ "--each: 1 and 3 and 0"
run "$B/certcheck" "${BASE[@]}" --batch --each "$F/bundle-expired.pem" "$F/garbage.bin" \
    "$F/bundle-good.pem"
assert_exit 3
case_ "--each: 3 first, then 1"
run "$B/certcheck" "${BASE[@]}" --batch --each "$F/empty.pem" "$F/bundle-expired.pem"
assert_exit 3

finish
